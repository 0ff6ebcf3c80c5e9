"""What every part of the service rests on: settings, storage, accounts, the audit trail, request
dependencies and the HTTP middleware."""
