"""The store's folder and its vector side: where it lives, its permissions, the Chroma client (embedded or a
server), the writer's lock, and replacing or removing a whole index."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import UserError

COLLECTION = "assistant"


class StoreError(UserError):
    """The store cannot be used as it is; the message says what to do."""


def private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def collection_name(folder: Path, chroma_url: str | None) -> str:
    """Embedded: one collection per store folder. On a shared server, each store folder gets its own."""
    if not chroma_url:
        return COLLECTION
    return f"{COLLECTION}-{hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]}"


def chroma_client(store: Path, chroma_url: str | None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        from urllib.parse import urlparse

        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=settings)
        except ValueError as error:  # chromadb's "Could not connect to a Chroma server"
            raise StoreError(f"cannot reach the Chroma server at {chroma_url}: {error}") from None
    folder = store / "chroma"
    private_dir(folder)
    # Absolute: chromadb shares one client per path string, so ".assistant" would follow the first cwd.
    return chromadb.PersistentClient(path=str(folder.resolve()), settings=settings)


def secure(folder: Path) -> None:
    """Make every folder of a store 0700 and every file 0600 (vector stores create theirs with wider modes)."""
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def exists(folder: Path) -> bool:
    return (folder / "index.sqlite").is_file()


def wipe(folder: Path, chroma_url: str | None = None) -> None:
    """Remove a store's index and vectors, even one that cannot be opened (wrong dimension, damaged files)."""
    import shutil

    if chroma_url:
        client = chroma_client(folder, chroma_url)
        name = collection_name(folder, chroma_url)
        if name in [c.name for c in client.list_collections()]:
            client.delete_collection(name)
    else:
        forget_clients()
        shutil.rmtree(folder / "chroma", ignore_errors=True)
    (folder / "index.sqlite").unlink(missing_ok=True)


def forget_clients() -> None:
    """chromadb keeps one client per path in a process; after files move under a path, it must start afresh."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def swap_in(staging: Path, folder: Path, chroma_url: str | None) -> None:
    """Replace `folder`'s index and vectors with those built in `staging` (a rebuild), then remove staging."""
    import shutil

    if chroma_url:
        client = chroma_client(folder, chroma_url)
        name, built = collection_name(folder, chroma_url), collection_name(staging, chroma_url)
        if name in [c.name for c in client.list_collections()]:
            client.delete_collection(name)
        client.get_collection(built).modify(name=name)
    else:
        forget_clients()
        old = folder / "chroma.old"
        shutil.rmtree(old, ignore_errors=True)
        if (folder / "chroma").exists():
            (folder / "chroma").rename(old)
        (staging / "chroma").rename(folder / "chroma")
        shutil.rmtree(old, ignore_errors=True)
    (staging / "index.sqlite").replace(folder / "index.sqlite")
    shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def exclusive(folder: Path, what: str = "ingest") -> Iterator[None]:
    """Hold an OS file lock; a second writer fails at once with a clear message (released if the holder dies)."""
    from filelock import FileLock, Timeout

    private_dir(folder)
    path = folder / f"{what}.lock"
    lock = FileLock(str(path), mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StoreError(f"another {what} is writing to {folder}; wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()
