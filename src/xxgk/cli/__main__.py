from xxgk.cli.main import entry

entry()
