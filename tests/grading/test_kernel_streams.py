"""A warm grading kernel's stdout: a flush with nothing pending does not wait, and output still
reaches the front end ahead of whatever the kernel sends after the flush."""

from __future__ import annotations

import threading

import pytest
import zmq
from ipykernel.iostream import IOPubThread
from jupyter_client.session import Session

from diplomacy_course.grading.kernel_streams import PromptFlushOutStream


class IOPub:
    """A kernel's IOPub thread on an in-process socket, a front end reading it, and a count of
    the tasks handed to the thread."""

    def __init__(self) -> None:
        self.context = zmq.Context()
        publisher = self.context.socket(zmq.PUB)
        publisher.bind("inproc://iopub")
        self.reader = self.context.socket(zmq.SUB)
        self.reader.connect("inproc://iopub")
        self.reader.setsockopt(zmq.SUBSCRIBE, b"")
        self.thread = IOPubThread(publisher)
        self.thread.start()
        self.session = Session(key=b"")
        self.stdout = PromptFlushOutStream(self.session, self.thread, "stdout", watchfd=False)
        self.handed_over = 0
        schedule = self.thread.schedule

        def counted(task) -> None:
            self.handed_over += 1
            schedule(task)

        self.thread.schedule = counted

    def send_idle(self) -> None:
        """What the kernel sends when a cell is done, after flushing its streams."""
        self.session.send(self.thread, self.session.msg("status", {"execution_state": "idle"}))

    def received(self, count: int) -> list[dict]:
        messages = []
        for _ in range(count):
            assert self.reader.poll(5000), f"the front end got {len(messages)} of {count} messages"
            _, frames = self.session.feed_identities(self.reader.recv_multipart())
            messages.append(self.session.deserialize(frames))
        return messages

    def close(self) -> None:
        self.stdout.close()
        self.thread.stop()
        self.thread.close()
        self.reader.close()
        self.context.term()


@pytest.fixture
def iopub():
    channel = IOPub()
    yield channel
    channel.close()


def test_a_flush_with_nothing_written_hands_nothing_to_the_iopub_thread(iopub):
    iopub.stdout.flush()
    assert iopub.handed_over == 0


def test_what_was_written_before_a_flush_reaches_the_front_end_before_what_follows_it(iopub):
    iopub.stdout.write("the cell's last words")
    iopub.stdout.flush()
    iopub.send_idle()
    stream, status = iopub.received(2)
    assert stream["content"]["text"] == "the cell's last words"
    assert status["content"]["execution_state"] == "idle"


def test_a_flush_waits_for_a_send_under_way_though_the_buffer_is_already_empty(iopub):
    """The IOPub thread's own timed flush has taken the buffer and not yet queued its message: a
    flush that saw only the empty buffer would let the cell's "idle" overtake its output."""
    inside, go_on = threading.Event(), threading.Event()
    send = iopub.session.send

    def slow_send(stream, message, **options):
        inside.set()
        assert go_on.wait(5)
        return send(stream, message, **options)

    iopub.session.send = slow_send
    iopub.stdout.write("printed by the cell")
    iopub.thread.schedule(iopub.stdout._flush)  # as the stream's timer does on the IOPub thread
    assert inside.wait(5)
    flusher = threading.Thread(target=iopub.stdout.flush)
    flusher.start()
    flusher.join(0.2)
    still_waiting = flusher.is_alive()
    go_on.set()
    flusher.join(5)
    assert still_waiting, "flush returned while the stream's message was still being sent"
    iopub.session.send = send
    iopub.send_idle()
    assert [message["msg_type"] for message in iopub.received(2)] == ["stream", "status"]
