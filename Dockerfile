# Palabra in one container: migrates, loads the bundled agenda if the database is empty, serves :8000.
# Run with a volume for the database and a real secret:
#   docker run --name palabra -p 8000:8000 -v palabra:/data -e PALABRA_SECRET_KEY=... \
#     -e PALABRA_PUBLIC_URL=https://palabra.example.org palabra
# and make the first facilitator:
#   docker exec -it palabra python -m app facilitator create USERNAME --name "Full Name"
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PALABRA_ENV=production \
    PALABRA_HOST=0.0.0.0 \
    PALABRA_PORT=8000 \
    PALABRA_DATABASE_URL=sqlite:////data/palabra.db

WORKDIR /srv/palabra
# The outcome report's PDF is drawn by WeasyPrint with Pango, in the system's fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# The runtime lock pins every package with its hashes (make lock writes it); then the project.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY static ./static
# The interface's catalogues are compiled here: .mo files are built, never committed.
RUN pip install --no-deps -e . \
    && pybabel compile --domain messages --directory app/locales \
    && useradd --system --home-dir /srv/palabra palabra \
    && mkdir -p /data && chown palabra /data

USER palabra
VOLUME ["/data"]
EXPOSE 8000
CMD ["python", "-m", "app", "run"]
