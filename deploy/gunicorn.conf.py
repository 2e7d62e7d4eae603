"""Gunicorn settings shared by `make run` (scripts/serve.sh) and deploy/pishkhan-web.service.

The access log keeps method, path, status, size, duration and user agent, and leaves out the
query string and the referrer: a look-up by mobile (/office/cases/lookup/?mobile=…), a search
by name or a tracking form would otherwise write citizens' personal data into every log line.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
