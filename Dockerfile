# syntax=docker/dockerfile:1.7
# derain: the CLI (run, worker, broker, audit, ...) in a JRE 17 image.
#   docker build -t derain .                                   # CPU
#   docker build -t derain:gpu --build-arg PROFILE=-Pgpu \
#       --build-arg RUNTIME=nvidia/cuda:13.1.0-cudnn-runtime-ubuntu24.04 .   # CUDA (run with --gpus all)
# The GPU base must bring CUDA 13.1 and cuDNN 9.19 (the pytorch preset has no redist jar) and a JRE 17,
# installed below when the base has none.
ARG RUNTIME=eclipse-temurin:17-jre

FROM maven:3.9-eclipse-temurin-17 AS build
ARG PROFILE=
WORKDIR /src
COPY pom.xml ./
COPY models/pom.xml models/
COPY operators/pom.xml operators/
COPY pipeline/pom.xml pipeline/
COPY pipeline/runtime/pom.xml pipeline/runtime/
COPY pipeline/kafka/pom.xml pipeline/kafka/
COPY pipeline/broker/pom.xml pipeline/broker/
COPY pipeline/metrics/pom.xml pipeline/metrics/
COPY pipeline/tools/pom.xml pipeline/tools/
COPY pipeline/serve/pom.xml pipeline/serve/
COPY pipeline/peers/pom.xml pipeline/peers/
COPY pipeline/cli/pom.xml pipeline/cli/
COPY samples/pom.xml samples/
COPY models/src models/src
COPY operators/src operators/src
COPY pipeline/runtime/src pipeline/runtime/src
COPY pipeline/kafka/src pipeline/kafka/src
COPY pipeline/broker/src pipeline/broker/src
COPY pipeline/metrics/src pipeline/metrics/src
COPY pipeline/tools/src pipeline/tools/src
COPY pipeline/serve/src pipeline/serve/src
COPY pipeline/peers/src pipeline/peers/src
COPY pipeline/cli/src pipeline/cli/src
RUN mvn -B -q ${PROFILE} -DskipTests -pl pipeline/cli -am install \
 && mkdir -p /opt/derain/lib \
 && cp pipeline/cli/target/derain-cli-*.jar /opt/derain/lib/ \
 && mvn -B -q ${PROFILE} -pl pipeline/cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/opt/derain/lib

FROM ${RUNTIME}
RUN command -v java >/dev/null || (apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      && rm -rf /var/lib/apt/lists/*)
RUN useradd --system --create-home --home-dir /home/derain derain
COPY --from=build /opt/derain/lib /opt/derain/lib
COPY samples/media /opt/derain/samples/media
COPY <<'SH' /usr/local/bin/derain
#!/bin/sh
exec java ${DERAIN_JAVA_OPTS:-} -Dorg.bytedeco.javacpp.cachedir=/opt/derain/natives -cp '/opt/derain/lib/*' io.derain.pipeline.cli.DerainCli "$@"
SH
# The image's health check: GET /healthz on DERAIN_HEALTH_PORT (serve's --http, run's and worker's --metrics-port;
# 9464 when unset). A container whose command opens no HTTP port (eval, a one-off run) has nothing to ask and is
# healthy while it runs, unless DERAIN_HEALTH_PORT is set: then the port must answer 200. No curl in the image: bash.
COPY <<'SH' /usr/local/bin/derain-healthcheck
#!/bin/bash
port=${DERAIN_HEALTH_PORT:-9464}
if ! { exec 3<>/dev/tcp/127.0.0.1/$port; } 2>/dev/null; then
  [ -z "${DERAIN_HEALTH_PORT:-}" ] && exit 0
  echo "nothing listens on port $port"; exit 1
fi
printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || { echo "no answer on port $port"; exit 1; }
case "$status" in *" 200 "*) exit 0 ;; *) echo "$status"; cat <&3; exit 1 ;; esac
SH
RUN chmod 755 /usr/local/bin/derain /usr/local/bin/derain-healthcheck && mkdir -p /opt/derain/natives /data && chown derain /opt/derain/natives /data
# As the launcher: libtorch backs large tensors with transparent huge pages, and tcmalloc keeps freed
# activations for reuse (README, "Performance"). Ubuntu 24.04 names the package ...t64, older releases not.
RUN apt-get update && (apt-get install -y --no-install-recommends libtcmalloc-minimal4t64 \
      || apt-get install -y --no-install-recommends libtcmalloc-minimal4) && rm -rf /var/lib/apt/lists/*
ENV THP_MEM_ALLOC_ENABLE=1 \
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 \
    TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD=1099511627776
USER derain
# Unpack FFmpeg's, OpenCV's and libtorch's natives now (a short run of the bundled model on the sample
# clip), so that containers start in seconds. A CUDA image built without a GPU driver unpacks what loads
# and finishes on first start.
RUN derain run /opt/derain/samples/media/rainy-road.mp4 -o /tmp/warm.mp4 --fps 1 -q -y; rm -f /tmp/warm.mp4
WORKDIR /data
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["/usr/local/bin/derain-healthcheck"]
ENTRYPOINT ["derain"]
CMD ["--help"]
