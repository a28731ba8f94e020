"""The kernel client ``course autograde`` gives nbgrader: jupyter_client's, without its idle wait.

jupyter_client's ``wait_for_ready`` ends every kernel start by listening to IOPub until it has
been silent for 0.2 s: a fifth of a second of a grading core doing nothing, per notebook. Here
readiness means the same thing (a kernel_info reply, and a message on IOPub, which proves it
connected), but the status messages already there are dropped without waiting for more: nbclient
reads only the replies to its own requests, so a late status message changes nothing.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient

KERNEL_INFO_WAIT = 1.0  # seconds for one kernel_info round trip before asking again
IOPUB_WAIT = 0.2  # seconds for the kernel's status message on IOPub (else it was not connected yet)


class QuickReadyKernelClient(AsyncKernelClient):
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
