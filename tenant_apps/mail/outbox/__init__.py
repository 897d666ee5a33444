"""Sending mail: compose input, MIME building, the outbox (queue, send, undo, retry), drafts and uploads."""
