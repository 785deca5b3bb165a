"""The ``email`` sink: one e-mail per delivery over SMTP.

Subject and body are templates with ``{path}`` placeholders filled from the payload; the
recipient is a fixed address or a payload field. The Message-ID is made from the event
id, so a repeated delivery is the same message and mail clients can recognise it.
"""
