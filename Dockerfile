# syntax=docker/dockerfile:1
# The gp2gp image: one static binary, CA certificates and a non-root user on
# an empty base; no shell. Its default command is the monthly run, configured
# from the environment as the reference's container was:
#
#   docker build --build-arg VERSION=$(git describe --always) -t gp2gp .
#   docker run --rm -e INPUT_SPINE_DATA_BUCKET=... -e ORGANISATION_METADATA_BUCKET=... \
#     -e OUTPUT_TRANSFER_DATA_BUCKET=... -e DATE_ANCHOR=... -e AWS_REGION=... gp2gp
#
# Without a daemon, scripts/build-image.sh (make image) builds the same image
# as an OCI tarball with ko.

FROM golang:1.27.3 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X github.com/nhsdigital/gp2gp/internal/cli.Version=${VERSION}" \
      -o /out/gp2gp ./cmd/gp2gp \
 && echo 'root:x:0:0:root:/root:/sbin/nologin' > /out/passwd \
 && echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >> /out/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' > /out/group \
 && mkdir -p /out/home/nonroot /out/tmp

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /out/group /etc/
COPY --from=build --chown=65532:65532 /out/home/nonroot /home/nonroot
COPY --from=build --chmod=1777 /out/tmp /tmp
COPY --from=build /out/gp2gp /gp2gp
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt HOME=/home/nonroot
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/gp2gp"]
CMD ["run"]
