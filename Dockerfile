# hookmock in a container: one static binary with the Daily contract embedded.
#
#   docker build --build-arg VERSION=v0.6.0 -t hookmock .
#   docker run -p 8089:8089 -e HOOKMOCK_API_KEY=change-me hookmock
#
# The server listens on 0.0.0.0 inside the container so that the published
# port works. That is a non-loopback bind: set HOOKMOCK_API_KEY (or pass
# --api-key), or anyone who can reach the port can fire events and read the
# delivery log; serve prints a warning when no key is set.
# State (the SQLite store, when enabled) lives under /data; mount a volume there
# to keep it across containers.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/hookmock/hookmock/cmd.version=${VERSION}" \
      -o /out/hookmock ./cmd/hookmock \
 && mkdir -p /out/data

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/hookmock /hookmock
COPY --from=build --chown=65532:65532 /out/data /data
ENV HOME=/data XDG_STATE_HOME=/data
USER 65532:65532
EXPOSE 8089
VOLUME ["/data"]
# scratch has no shell or curl: the binary checks itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/hookmock", "health", "--url", "http://127.0.0.1:8089"]
ENTRYPOINT ["/hookmock"]
CMD ["serve", "--addr", "0.0.0.0:8089"]
