import AbigenCLI
AbigenCommand.main()
