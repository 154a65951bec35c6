# One image for the four services; SERVICE picks which one runs (intake, approval,
# supervision, linkage) and PORT where it listens.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The production pins only (requirements.txt): no test tools, no embedded broker.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt
COPY pyproject.toml ./
COPY libs ./libs
COPY services ./services
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --no-create-home onewindow

USER 10001
ENV SERVICE=intake \
    PORT=8001
EXPOSE 8001 8002 8003 8004

CMD ["sh", "-c", "exec uvicorn services.${SERVICE}.main:app --host 0.0.0.0 --port ${PORT} --proxy-headers"]
