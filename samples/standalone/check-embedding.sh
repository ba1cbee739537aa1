#!/usr/bin/env bash
# Builds samples/standalone (a project outside the reactor that depends on derain-runtime only) against the
# artifacts `mvn -B install -DskipTests` put in the local repository, lists what it pulls in, fails on anything an
# embedding service must not inherit, prints the jar count and size, and derains the sample clip with DerainClip.
#   bash samples/standalone/check-embedding.sh [OUTPUT.mp4]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)/derained.mp4}"
work="$here/target"
mvn -q -B -f "$here/pom.xml" compile dependency:list dependency:build-classpath \
    -DoutputFile="$work/deps.txt" -Dmdep.outputFile="$work/classpath.txt" -DexcludeTransitive=false >/dev/null
banned='info.picocli|kafka_2.13|org.apache.kafka|org.scala-lang|log4j|com.fasterxml.jackson|slf4j-simple|logback|slf4j-reload4j|org.openjfx|io.micrometer|flycapture|libdc1394|libfreenect|librealsense|videoinput|artoolkitplus|leptonica|tesseract'
if grep -E "$banned" "$work/deps.txt"; then echo "check-embedding: the runtime pulls in the above" >&2; exit 1; fi
IFS=: read -r -a jars < "$work/classpath.txt" || true  # one line, no newline
bytes=$(du -cb "${jars[@]}" | tail -1 | cut -f1)
printf 'derain-runtime for an embedding service: %d jars, %.0f MB (none of: picocli, Kafka, Scala, log4j, Jackson, an slf4j backend, Micrometer, JavaFX, camera SDK presets)\n' \
    "${#jars[@]}" "$(echo "$bytes / 1000000" | bc -l)"
java -cp "$work/classes:$(cat "$work/classpath.txt")" io.derain.samples.DerainClip "$root/samples/media/rainy-road.mp4" "$out"
