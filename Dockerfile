# Briefing Bot: slim Python, non-root, the database on a volume, a health check.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BRIEFING_DATABASE=/app/data/briefing.db \
    BRIEFING_SEED=/app/seed/briefing.yaml \
    BRIEFING_HEALTH_PORT=8080

RUN useradd --create-home --uid 10001 briefing
WORKDIR /app

# The dependencies alone, from pyproject.toml: a change to the code reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY briefing ./briefing
COPY cogs ./cogs
COPY sandbox ./sandbox
RUN pip install --no-cache-dir --no-deps .
COPY bot.py ./
# The curated seed lives outside the volume so a mounted data/ cannot hide it.
COPY data/briefing.yaml ./seed/briefing.yaml

RUN mkdir -p /app/data && chown 10001:10001 /app/data
USER 10001
VOLUME ["/app/data"]

# The endpoint listens on loopback inside the container, where the check runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]

# Exec form: the bot is PID 1 and gets SIGTERM itself, and stops within docker's 10 s.
ENTRYPOINT ["python", "bot.py"]
CMD ["run"]
