"""Run untrusted parsing and repair in a child process bounded in time, memory and network.

:func:`guarded` runs a function in a child forked from a forkserver (with the
readers loaded once, :mod:`geo.sandbox_warmup`) under ``RLIMIT_CPU``,
``RLIMIT_AS`` and a wall-clock timeout, in an empty network namespace where
the OS allows it and with GDAL's and PROJ's network switched off; an overrun
kills the child and ends in ``input.err.timeout`` / ``input.err.memory``.
:class:`Limits` says what one use may cost (:data:`SITE`, :data:`BATCH`,
:data:`IMPORT`); :mod:`geo.vector_io` checks the same limits from headers
before any parsing.
"""
from __future__ import annotations

import ctypes
import io
import multiprocessing as mp
import os
import re
import resource
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, spawn
from multiprocessing import process as mp_process
from multiprocessing import util as mp_util
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, set_spawning_popen
from multiprocessing.context import reduction  # type: ignore[attr-defined]  # private, not in typeshed
from collections.abc import Callable
from typing import Any, TypeVar

import pyogrio
import pyproj

from .errors import InputError, QPAError

__all__ = ["Limits", "SITE", "BATCH", "IMPORT", "guarded", "in_worker", "offline", "safe_reason"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one use of the input may cost, checked before the work.

    Attributes
    ----------
    use : str
        'site' (one site: pasted, drawn or a file to pick from), 'batch'
        (many sites ranked) or 'import' (an official replacing a layer).
    max_bytes : int
        Largest file (and largest unpacked zip).
    max_features : int
        Most features in the file.
    max_vertices : int
        Most vertices in the file, all features together.
    max_feature_vertices : int
        Most vertices of one feature (checked before any repair).
    max_text_chars : int
        Longest pasted text or text file.
    cpu_seconds : int
        CPU time of the reading child process.
    wall_seconds : float
        Wall-clock time before the child is killed.
    memory_bytes : int
        Address space the child may add to what it starts with.
    """

    use: str
    max_bytes: int
    max_features: int
    max_vertices: int
    max_feature_vertices: int
    max_text_chars: int
    cpu_seconds: int
    wall_seconds: float
    memory_bytes: int


#: One site: pasted, drawn or a small file of parcels to pick one from.
SITE = Limits("site", 10 * _MB, 1_000, 200_000, 20_000, 1_000_000, 5, 10.0, 1536 * _MB)
#: A batch of sites ranked together.
BATCH = Limits("batch", 20 * _MB, 5_000, 1_000_000, 20_000, 5_000_000, 10, 20.0, 2048 * _MB)
#: An official's layer import.
IMPORT = Limits("import", 100 * _MB, 200_000, 10_000_000, 1_000_000, 50_000_000, 120, 180.0,
                6144 * _MB)

#: GDAL configuration for every read: no network of any kind.
_OFFLINE = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none",
    "LIBKML_RESOLVE_STYLE": "NO",
    "LIBKML_EXTERNAL_STYLE": "NO",
    "OGR_GEOJSON_MAX_OBJ_SIZE": "200",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}
_PROXY_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
              "no_proxy", "NO_PROXY")


def offline() -> None:
    """Switch GDAL's (pyogrio's) and PROJ's network access off in this process."""
    pyogrio.set_gdal_config_options(_OFFLINE)
    pyproj.network.set_network_enabled(False)  # type: ignore[attr-defined]  # re-exported without __all__


offline()


# ------------------------------------------------------------------ the sandbox
_IN_WORKER = False
_CTX_LOCK = threading.Lock()
_CTX: ForkServerContext | None = None
_R = TypeVar("_R")


def in_worker() -> bool:
    """Whether this process is a :func:`guarded` child."""
    return _IN_WORKER


def _forget_parent_forkserver() -> None:
    """In a child made by ``fork`` (a pool worker), forget the parent's forkserver: it is
    not this process's child, so multiprocessing's liveness check (``waitpid``) would fail
    with ``ChildProcessError``; the first :func:`guarded` call here starts its own."""
    server: Any = forkserver._forkserver  # the module's singleton; its fields are private
    if server._forkserver_pid is not None:
        if server._forkserver_alive_fd is not None:
            with suppress(OSError):
                os.close(server._forkserver_alive_fd)
        server._forkserver_pid = server._forkserver_address = None
        server._forkserver_alive_fd = None


os.register_at_fork(after_in_child=_forget_parent_forkserver)


def _context() -> ForkServerContext:
    global _CTX
    with _CTX_LOCK:
        if _CTX is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["geo.sandbox_warmup"])
            _CTX = ctx
        return _CTX


class _Popen(popen_forkserver.Popen):
    """A forkserver start that never re-imports the parent's ``__main__`` in the child.

    Streamlit runs each page as ``__main__``; multiprocessing would run that
    page again in every child. The launch is the standard library's (Python
    3.11) with the main-module entries left out of the preparation data.
    """

    def _launch(self, process_obj: mp_process.BaseProcess) -> None:
        name = process_obj._name  # type: ignore[attr-defined]  # private, not in typeshed
        prep_data = {k: v for k, v in spawn.get_preparation_data(name).items()
                     if k not in ("init_main_from_path", "init_main_from_name")}
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]  # private, not in typeshed
        parent_w = os.dup(w)
        self.finalizer = mp_util.Finalize(self, mp_util.close_fds,  # type: ignore[attr-defined]  # private, not in typeshed
                                          (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as fh:
            fh.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(mp_process.BaseProcess):
    _start_method = "forkserver"

    @staticmethod
    def _Popen(process_obj: mp_process.BaseProcess) -> _Popen:
        return _Popen(process_obj)


def _no_network_namespace() -> None:
    """Move this process into an empty network namespace where the OS allows it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clone_newnet, clone_newuser = 0x40000000, 0x10000000
        if libc.unshare(clone_newnet) != 0:
            libc.unshare(clone_newuser | clone_newnet)
    except (OSError, AttributeError):  # no libc unshare here: GDAL's own switches still hold
        pass


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
           limits: Limits) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    for var in _PROXY_ENV:
        os.environ.pop(var, None)
    _no_network_namespace()
    offline()
    cpu = max(1, int(limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    base = _vm_bytes()
    if base:
        cap = base + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        out = ("ok", func(*args, **kwargs))
    except QPAError as err:
        out = ("qpa", err)
    except MemoryError:
        out = ("memory", None)
    except Exception as exc:  # anything else from a third-party parser
        out = ("other", f"{type(exc).__name__}: {safe_reason(str(exc))}")
    try:
        conn.send(out)
    except Exception as exc:  # the result does not pickle (or memory ran out sending it)
        conn.send(("other", f"{type(exc).__name__}"))
    conn.close()
    os._exit(0)  # no interpreter teardown: the parent is waiting


def _overrun(kind: str, limits: Limits) -> InputError:
    if kind == "memory":
        return InputError(f"reading the input needed more than {limits.memory_bytes / _MB:,.0f} MB "
                          "of memory; simplify or split it", key="input.err.memory",
                          mb=limits.memory_bytes / _MB)
    return InputError(f"reading and repairing the input took longer than {limits.cpu_seconds} s; "
                      "simplify or split it", key="input.err.timeout", s=limits.cpu_seconds)


@contextmanager
def _child_allowed() -> Iterator[None]:
    """Let a daemonic process (a worker of a ``multiprocessing`` pool: the bulk screening,
    ``geo.screen.screen_many``) start a sandbox child, which multiprocessing refuses to
    daemonic processes lest the child outlive them: :func:`guarded` kills and reaps its
    child before it returns, whatever happens."""
    config = mp_process.current_process()._config  # type: ignore[attr-defined]  # private
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon
        else:
            config.pop("daemon", None)


def guarded(func: Callable[..., _R], *args: Any, limits: Limits, **kwargs: Any) -> _R:
    """``func(*args, **kwargs)`` in a child process under ``limits``, without network.

    The child is forked from a forkserver with the geo modules loaded (a few
    ms per call), gets ``RLIMIT_CPU`` of ``limits.cpu_seconds``,
    ``RLIMIT_AS`` of what it starts with plus ``limits.memory_bytes``, no
    network namespace where the OS allows it, and GDAL's network switched
    off; it is killed after ``limits.wall_seconds``. In a child already,
    ``func`` runs directly.

    Returns
    -------
    Whatever ``func`` returns (it must pickle).

    Raises
    ------
    QPAError
        The one ``func`` raised.
    InputError
        ``input.err.timeout`` (CPU or wall time ran out), ``input.err.memory``,
        ``file.err.read`` (the parser failed in another way).
    """
    if _IN_WORKER:
        return func(*args, **kwargs)
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = _Process(target=_child, args=(send, func, args, kwargs, limits), daemon=True)
    with _child_allowed():
        proc.start()
    send.close()
    try:
        if not recv.poll(limits.wall_seconds):
            raise _overrun("timeout", limits)
        try:
            kind, value = recv.recv()
        except (EOFError, OSError):  # killed by RLIMIT_CPU (SIGXCPU/SIGKILL) or the OOM
            proc.join(1.0)
            signal_no = -proc.exitcode if proc.exitcode and proc.exitcode < 0 else 0
            raise _overrun("memory" if signal_no in (6, 11) else "timeout", limits) from None
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
    if kind == "ok":
        result: _R = value
        return result
    if kind == "qpa":
        raise value
    if kind == "memory":
        raise _overrun("memory", limits)
    raise InputError(f"cannot read the input: {value}", key="file.err.read", name="",
                     reason=str(value))


_TMP_PATH = re.compile(r"(/[^\s'\"]*)?/(qpa_[a-z]+_[^/\s'\"]+|tmp[^/\s'\"]*)/")


def safe_reason(text: str, filename: str | None = None) -> str:
    """A parser's message without temporary paths, on one line, at most 300 characters; the
    name an upload was written under (``upload.kml``) becomes the user's ``filename``."""
    text = _TMP_PATH.sub("", str(text)).replace("\n", " ").strip()
    if filename:
        text = re.sub(r"\bupload\.[A-Za-z0-9]{1,8}\b", lambda _: filename, text)
    return text[:300]
