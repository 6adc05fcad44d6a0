"""Training tools (not shipped in the wheel, never imported by the assistant). See training/README.md."""
