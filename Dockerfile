FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt constraints.txt pyproject.toml README.md ./
# Use a CPU build of torch (configure your CPU wheel index with PIP_INDEX_URL/PIP_EXTRA_INDEX_URL).
RUN pip install --no-cache-dir torch==2.13.0
COPY . .
RUN pip install --no-cache-dir -c constraints.txt -r requirements.txt -e .
ENV HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
EXPOSE 8000
CMD ["tutor", "serve", "--host", "0.0.0.0"]
