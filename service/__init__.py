"""retrogait.service: the API, job queue, storage, reports, web pages and CLI around ``vision``."""
