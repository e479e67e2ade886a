"""The Kafka test broker (tests/kafka/test_broker: librdkafka's mock cluster
serving the real protocol on 127.0.0.1) for the suites, and kcat to put
messages in and read them out."""
import os
import subprocess
import time
from pathlib import Path

import harness

BROKER = os.environ.get("STREAMC_TEST_BROKER",
                        str(harness.SOURCE_DIR / "build" / "tests" / "kafka" / "test_broker"))


class TestBroker:
    """Starts test_broker with `brokers` brokers and the given topics
    ({name: partitions}); `bootstrap` is its address list. Use as a context
    manager, or call close()."""

    def __init__(self, topics=None, brokers=1):
        args = [BROKER, "--brokers", str(brokers)]
        for name, parts in (topics or {}).items():
            args += ["--topic", f"{name}:{parts}"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            self.close()
            raise RuntimeError("test_broker did not start")

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"test_broker {line!r}: {answer}")

    def down(self, broker=-1):
        self.command(f"down {broker}")

    def up(self, broker=-1):
        self.command(f"up {broker}")

    def produce(self, topic, lines, key_sep=None, partition=None):
        """Produces one message per line with kcat (Java's murmur2
        partitioner for keyed messages; `key_sep` splits key and value)."""
        args = ["kcat", "-P", "-b", self.bootstrap, "-t", topic, "-X", "partitioner=murmur2_random"]
        if key_sep:
            args += ["-K", key_sep]
        if partition is not None:
            args += ["-p", str(partition)]
        data = "".join(line + "\n" for line in lines)
        subprocess.run(args, input=data, text=True, check=True, timeout=60, capture_output=True)

    def consume(self, topic, fmt="%p %o %k %s\\n"):
        """Every message of the topic, as kcat -C -e formats them."""
        r = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-e", "-q", "-f", fmt],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"kcat -C {topic}: {r.stderr}")
        return r.stdout

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_until(predicate, timeout=30, step=0.05):
    """Polls `predicate` until it is true; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
