from assistant.cli.app import app

app(prog_name="assistant")
