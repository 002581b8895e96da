from kubelint.cli.main import run

run()
