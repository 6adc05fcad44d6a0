"""The one place settings are read: defaults < config file < environment < CLI flags."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_CONFIG = Path("assistant.toml")
USER_CONFIG = Path("~/.config/assistant/config.toml")


def config_files() -> list[Path]:
    """The config files read, lowest precedence first (the project file wins)."""
    return [path for path in (USER_CONFIG.expanduser(), PROJECT_CONFIG) if path.is_file()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", populate_by_name=True)

    store: Path = Field(Path(".assistant"), description="Folder holding the Chroma store and indexes.")
    chroma_url: str | None = Field(None, description="Use a Chroma server (http://host:port) instead of the embedded store.")
    provider: Literal["local", "openai"] = Field("local", description="Chat model provider.")
    model: str | None = Field(None, description="GGUF path (local) or model name (openai).")
    embeddings: Literal["local", "openai"] = Field("local", description="Embedding provider.")
    embedding_model: str | None = Field(None, description="Embedding model name for the openai provider.")
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "openai_base_url")
    )
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    max_tokens: int = Field(160, ge=16, le=4096, description="Longest answer the model may write.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    context_window: int = Field(2048, ge=512, description="Context size given to the local model.")
    threads: int = Field(2, ge=1, description="CPU threads for local models.")
    timeout: float = Field(60.0, gt=0, description="Seconds before a remote model call gives up.")
    max_retries: int = Field(2, ge=0, le=10, description="Retries on 429 and 5xx answers.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = [TomlConfigSettingsSource(settings_cls, toml_file=p) for p in reversed(config_files())]
        return (init_settings, env_settings, *files)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the CLI flags that were given (None means not given)."""
        given = {key: value for key, value in overrides.items() if value is not None}
        return self.model_copy(update=given) if given else self

    @property
    def chroma_path(self) -> Path:
        return self.store / "chroma"

    @property
    def index_path(self) -> Path:
        return self.store / "index.sqlite"


class SettingsError(Exception):
    """The settings cannot be read; the message names the file or variable to fix."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise SettingsError(f"setting {name}: {first['msg']} (got {first.get('input')!r}); "
                            f"see `assistant config`") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"a config file is not valid TOML ({error}); files read: "
                            f"{', '.join(map(str, config_files()))}") from None


def env_names(field: str) -> list[str]:
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str) and choice.isupper()]
    return [f"ASSISTANT_{field.upper()}"]


def origins(flags: dict[str, Any]) -> dict[str, str]:
    """Where each setting's effective value came from, mirroring the precedence above."""
    environment = {key.upper() for key in os.environ}
    files = {}
    for path in config_files():
        with path.open("rb") as handle:
            files[path] = tomllib.load(handle)
    found = {}
    for field in Settings.model_fields:
        if flags.get(field) is not None:
            found[field] = "flag"
        elif name := next((n for n in env_names(field) if n in environment), None):
            found[field] = f"env {name}"
        elif path := next((p for p in reversed(list(files)) if field in files[p]), None):
            found[field] = f"file {path}"
        else:
            found[field] = "default"
    return found


def shown(value: Any) -> Any:
    """A value safe to print: secrets keep only their last four characters."""
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        return "****" + secret[-4:] if len(secret) > 8 else "****"
    return str(value) if isinstance(value, Path) else value
