# Briefing Bot: slim Python, non-root, the database on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    BRIEFING_DATABASE=/app/data/briefing.db \
    BRIEFING_SEED=/app/seed/briefing.yaml

RUN useradd --create-home --uid 10001 briefing
WORKDIR /app

# Dependencies first (from pyproject), so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY briefing ./briefing
COPY cogs ./cogs
COPY sandbox ./sandbox
RUN pip install .
COPY bot.py ./
# The curated seed lives outside the volume so a mounted data/ cannot hide it.
COPY data/briefing.yaml ./seed/briefing.yaml

RUN mkdir -p /app/data && chown briefing:briefing /app/data
USER briefing
VOLUME ["/app/data"]

CMD ["python", "bot.py", "run"]
