"""Email backends for tests: a slow mail server, and one that fails a few times."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowEmailBackend(EmailBackend):
    """locmem after 0.4 s, like a real SMTP server's round trips."""

    delay = 0.4

    def send_messages(self, messages):
        time.sleep(self.delay)
        return super().send_messages(messages)


class FlakyEmailBackend(EmailBackend):
    """Fails `failures` times (class-wide), then delivers to locmem."""

    failures = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)
