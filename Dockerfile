# The API and the Celery worker (same image, different command), running as an unprivileged user.
# Build context: see .dockerignore (no var/, .venv, .git, caches or tests go into the image).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    TUTOR_VAR_DIR=/app/var

# A fixed uid/gid, so volumes can be prepared for it on the host (chown 10001:10001).
RUN groupadd --system --gid 10001 tutor \
    && useradd --system --uid 10001 --gid tutor --create-home --home-dir /home/tutor --shell /usr/sbin/nologin tutor

WORKDIR /app
COPY requirements.txt constraints.txt pyproject.toml README.md ./
# Use a CPU build of torch (configure your CPU wheel index with PIP_INDEX_URL/PIP_EXTRA_INDEX_URL).
RUN pip install --no-cache-dir torch==2.13.0
COPY . .
# The code stays root-owned (read-only to the service); only var/ (embedded data, local file storage,
# model checkpoints, logs) is writable by the service user.
RUN pip install --no-cache-dir -c constraints.txt -r requirements.txt -e . \
    && mkdir -p /app/var \
    && chown tutor:tutor /app/var \
    && chmod 0750 /app/var

USER tutor
EXPOSE 8000
CMD ["tutor", "serve", "--host", "0.0.0.0"]
