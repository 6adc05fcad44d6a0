"""The command line: commands, the chat loop, rendering for terminals."""
