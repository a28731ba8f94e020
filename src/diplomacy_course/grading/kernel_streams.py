"""A warm grading kernel's stdout and stderr: ipykernel's, without waiting when nothing is pending.

ipykernel flushes both streams twice a cell: before the cell's reply, and again before the "idle"
that ends it. Each flush hands two tasks to the kernel's IOPub thread and waits for the second one
to run, even when nothing was written. That is four waits for another thread a cell, about half a
millisecond of CPU for a grading kernel, and most of a notebook's cells print nothing.

The wait is there to keep a cell's output ahead of the kernel's next messages on IOPub (the
"idle" that ends the cell): the IOPub thread runs its tasks in order, so a flush must first queue
what is buffered. With nothing buffered and no send under way on the IOPub thread, nothing can
be overtaken, and ``flush`` returns at once.
"""

from __future__ import annotations

from ipykernel.iostream import OutStream


class PromptFlushOutStream(OutStream):
    """ipykernel's OutStream, whose flush returns at once when there is nothing to send."""

    _sending = False  # True from before the IOPub thread takes the buffers until their messages are queued

    def _flush(self) -> None:
        self._sending = True
        try:
            super()._flush()
        finally:
            self._sending = False

    def flush(self) -> None:
        # The buffers first, then the send: a send that took the buffers is still flagged as under
        # way, and once it is no longer flagged, its messages are queued ahead of anything after.
        with self._buffer_lock:
            buffered = any(buffer.tell() for buffer in self._buffers.values())
        if buffered or self._sending:
            super().flush()


def kernel_option() -> str:
    """The IPKernelApp option that gives a kernel these streams."""
    return f"--IPKernelApp.outstream_class={__name__}.{PromptFlushOutStream.__name__}"
