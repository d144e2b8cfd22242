"""Kernels forked from the zygote (analysis.run.kernels): start, run code, stop; a kernel that cannot start."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from analysis.run import kernels

pytestmark = pytest.mark.skipif(not kernels.platform_can_fork(), reason="forked kernels exist on Linux only")  # also with ANALYSIS_NO_FORK=1


@pytest.fixture(scope="module")
def zygote():
    z = kernels.Zygote()
    z.wait_ready()
    yield z
    z.close()


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


async def _round_trip(manager_class) -> tuple[int, str, bool]:
    km = manager_class(kernel_name="python3")
    await km.start_kernel()
    pid = km.provisioner.pid
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        outputs: list[str] = []

        def keep(msg):
            if msg["msg_type"] == "execute_result":
                outputs.append(msg["content"]["data"]["text/plain"])

        reply = await kc.execute_interactive("import os; 6 * 7, os.getpid()", timeout=60, output_hook=keep)
        # nothing from the start is left on IOPub to be mistaken for the cell's output
        status = reply["content"]["status"]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    alive = await km.is_alive()
    return pid, (outputs[0] if outputs else status), alive


def test_forked_kernel_runs_code_and_is_gone_after_shutdown(zygote, tmp_path):
    manager_class = kernels.kernel_manager_class(zygote, cwd=str(tmp_path))
    pid, output, alive = asyncio.run(_round_trip(manager_class))
    assert output == f"(42, {pid})"  # the code ran in the forked child, not in the zygote
    assert not alive and _gone(pid)
    assert not manager_class.live_kernels


def test_zygote_replies_even_when_a_kernel_cannot_start(zygote, tmp_path):
    """A child that fails before binding its sockets must not leave the zygote waiting for it."""
    log = tmp_path / "kernel.log"
    started = time.monotonic()
    # 203.0.113.1 (TEST-NET-3) is no address of this machine: binding the kernel's sockets fails
    pid = zygote.spawn(["--ip=203.0.113.1"], env=dict(os.environ), cwd=str(tmp_path), log=str(log))
    assert time.monotonic() - started < kernels.KERNEL_BIND_WAIT
    assert _gone(pid)
    assert "Cannot assign requested address" in log.read_text(encoding="utf-8")  # its error is in the kernel log
    # and the zygote still forks working kernels
    manager_class = kernels.kernel_manager_class(zygote, cwd=str(tmp_path))
    assert asyncio.run(_round_trip(manager_class))[1].startswith("(42, ")


def test_held_spawns_wait_for_the_warm_imports(zygote, tmp_path):
    """In a small batch every kernel should start with the notebooks' modules already imported."""
    import threading

    spawned: list[int] = []
    zygote.hold_spawns()
    thread = threading.Thread(target=lambda: spawned.append(
        zygote.spawn(["--ip=203.0.113.1"], env=dict(os.environ), cwd=str(tmp_path))))  # a kernel that exits at once
    thread.start()
    thread.join(timeout=0.5)
    assert not spawned, "a kernel was forked before the warm imports"
    reply = zygote.warm("demo", max_rows=0, modules=["colorsys"])
    assert not reply.get("failed_imports")
    thread.join(timeout=30)
    assert spawned and _gone(spawned[0])
