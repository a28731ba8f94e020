"""The kernel manager and client ``course autograde`` gives nbgrader: jupyter_client's, without idle waits.

- jupyter_client's ``wait_for_ready`` ends every kernel start by listening to IOPub until it has
  been silent for 0.2 s: a fifth of a second of a grading core doing nothing, per notebook. Here
  readiness means the same thing (a kernel_info reply, and a message on IOPub, which proves it
  connected), but the status messages already there are dropped without waiting for more: nbclient
  reads only the replies to its own requests, so a late status message changes nothing.
- The client connects before the kernel has bound its ports; ZeroMQ then tries again every 100 ms
  by default. Here every 5 ms, so the first request goes out as soon as the kernel listens.
- After stopping a kernel, jupyter_client checks every 100 ms whether its process has ended. Here
  the process's pidfd wakes the wait as it ends (a 5 ms poll remains where Linux has no pidfd):
  even a 5 ms poll left a grading core idle for half that, on average, per notebook.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

KERNEL_INFO_WAIT = 1.0  # seconds for one kernel_info round trip before asking again
IOPUB_WAIT = 0.2  # seconds for the kernel's status message on IOPub (else it was not connected yet)
POLL_SECONDS = 0.005  # how often to try connecting again, or to look whether a stopped kernel has gone


class QuickReadyKernelClient(AsyncKernelClient):
    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()  # a new context, which stop_channels ends
        context.setsockopt(zmq.RECONNECT_IVL, int(POLL_SECONDS * 1000))  # for every socket it makes
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while not (await self._kernel_info_answered() and await self._iopub_connected()):
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        await self._drop_waiting_iopub()

    async def _kernel_info_answered(self) -> bool:
        self.kernel_info()
        try:
            reply = await self.shell_channel.get_msg(timeout=KERNEL_INFO_WAIT)
        except Empty:
            return False
        if reply["msg_type"] != "kernel_info_reply":
            return False
        self._handle_kernel_info_reply(reply)
        return True

    async def _drop_waiting_iopub(self) -> None:
        """Read what IOPub holds now, without waiting for more (``get_msgs`` would wait forever)."""
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                return

    async def _iopub_connected(self) -> bool:
        """The kernel publishes 'busy' and 'idle' around each kernel_info: did one arrive?"""
        try:
            await self.iopub_channel.get_msg(timeout=IOPUB_WAIT)
        except Empty:
            return False
        return True


class QuickKernelManager(AsyncKernelManager):
    client_factory = Type(QuickReadyKernelClient, klass=AsyncKernelClient).tag(config=True)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.returncode is None and hasattr(os, "pidfd_open"):
            with contextlib.suppress(OSError):  # no pidfd for it after all: polled below
                await _ended(process.pid)
        await super()._async_wait(pollinterval=min(pollinterval, POLL_SECONDS))  # reaps it


async def _ended(pid: int) -> None:
    """Until the (not yet reaped) child process ``pid`` has ended."""
    handle = os.pidfd_open(pid)
    loop = asyncio.get_running_loop()
    ended = loop.create_future()

    def wake() -> None:
        if not ended.done():
            ended.set_result(None)

    loop.add_reader(handle, wake)
    try:
        await ended
    finally:
        loop.remove_reader(handle)
        os.close(handle)
