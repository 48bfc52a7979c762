import AbigenCLI
await AbigenCommand.runMain()
