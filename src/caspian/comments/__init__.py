"""Reader comments: the form, validation, threading, spam defence, moderation and notifications.

A comment that passes validation is always stored first; everything after
(screening, the spam check, emails) can only change its status. Pages show
approved comments; the rest wait in the moderation queue in the admin.
"""
