"""The prompt templates: the .txt files beside this one, installed as the package data of assistant.prompts."""
