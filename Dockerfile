# The Pathways API and indexer (docker-compose.yml runs Meilisearch from its official image).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATHWAYS_STATE_DIR=/app/.state

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --uid 10001 pathways \
    && mkdir -p /app/.state/keys \
    && chown -R pathways /app/.state

USER pathways
EXPOSE 8000
CMD ["uvicorn", "--factory", "service.app:create_app_from_env", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-proxy-headers"]
