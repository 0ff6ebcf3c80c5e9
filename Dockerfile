# One image for the retrogait API server, the Celery worker and the CLI.
#   docker build -t retrogait .
#   docker run --rm -v retrogait-data:/data retrogait keys create --org myclinic
#   docker run --rm -p 8000:8000 -v retrogait-data:/data retrogait            (API + local jobs)
#   docker run --rm -v retrogait-data:/data -e RETROGAIT_BROKER_URL=... retrogait worker
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -w /work \
#       retrogait analyze clip.mp4 --json out.json       (a host folder: run as its owner)
# The image runs as uid 10001 by default; any other uid works too (--user), so a bind-mounted
# host folder is written as its owner. /data, HOME and matplotlib's cache are writable to all.
FROM python:3.11-slim

# OpenCV and MediaPipe load these shared libraries even without a display.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libegl1 libgles2 \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib \
    RETROGAIT_DATA_DIR=/data \
    RETROGAIT_HOST=0.0.0.0 \
    RETROGAIT_PORT=8000 \
    RETROGAIT_POSE_MODEL=/app/models/pose_landmarker_full.task

WORKDIR /app
# Dependencies first, pinned to the versions CI tests, so code changes do not reinstall them.
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir -p vision service && touch vision/__init__.py service/__init__.py \
    && pip install -c constraints.txt . && pip uninstall -y retrogait
COPY models/ ./models/
COPY vision/ ./vision/
COPY service/ ./service/
RUN pip install --no-deps . && python -c "import service.app, vision.pipeline"

# A new named volume copies /data's mode: writable whichever uid the API and workers run as.
RUN useradd --create-home --uid 10001 retrogait \
    && mkdir -p /data && chown retrogait:retrogait /data && chmod 0777 /data
USER retrogait
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('RETROGAIT_PORT', '8000'), timeout=4)" || exit 1

ENTRYPOINT ["retrogait"]
# Without an API key yet, the server says how to create one and waits (no restart loop).
CMD ["serve", "--wait-for-key"]
