import AbigenCLI
AbigenCommand.runMain()
