// Command ociimage builds the gp2gp image's base as a local OCI layout, sets
// the default command of the image ko builds on it, and checks the result,
// all without a container daemon or a registry (scripts/build-image.sh).
//
//	ociimage base -layout DIR -certs FILE        write the base image into the OCI layout DIR; print its digest
//	ociimage finish -tarball FILE -tag REF       set CMD ["run"] on the image in FILE (from ko) and rewrite it
//	ociimage check -tarball FILE -extract PATH   print and check the image's config; extract its binary to PATH
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// User is the image's non-root user and group (distroless's "nonroot").
const User = "65532"

// App is where ko puts the binary.
const App = "/ko-app/gp2gp"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ociimage base|finish|check [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("ociimage "+os.Args[1], flag.ExitOnError)
	var err error
	switch os.Args[1] {
	case "base":
		dir := fs.String("layout", "", "OCI layout directory to write (created if missing)")
		certs := fs.String("certs", "/etc/ssl/certs/ca-certificates.crt", "CA certificate bundle")
		fs.Parse(os.Args[2:])
		err = base(*dir, *certs)
	case "finish":
		file := fs.String("tarball", "", "image tarball written by ko build --tarball")
		tag := fs.String("tag", "", "tag to give the image in the tarball")
		fs.Parse(os.Args[2:])
		err = finish(*file, *tag)
	case "check":
		file := fs.String("tarball", "", "image tarball")
		extract := fs.String("extract", "", "file to extract the image's binary to")
		fs.Parse(os.Args[2:])
		err = check(*file, *extract)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ociimage %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// epoch is every file's modification time, for reproducible layers.
var epoch = time.Unix(0, 0).UTC()

// base writes the base image, CA certificates and a passwd entry for the
// non-root user on an empty linux/amd64 image, into the layout dir, and
// prints its digest.
func base(dir, certs string) error {
	if dir == "" {
		return errors.New("-layout is required")
	}
	ca, err := os.ReadFile(certs)
	if err != nil {
		return err
	}
	layer, err := tarLayer([]entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: ca},
		{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnonroot:x:65532:\n")},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, dir: true, uid: 65532},
		{name: "tmp/", mode: 0o1777, dir: true},
	})
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Created = v1.Time{Time: epoch}
	cf.Config.User = User
	cf.Config.WorkingDir = "/home/nonroot"
	cf.Config.Env = []string{"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "HOME=/home/nonroot"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		if p, err = layout.Write(dir, empty.Index); err != nil {
			return err
		}
	}
	if err := p.ReplaceImage(img, func(desc v1.Descriptor) bool {
		return desc.Annotations["org.opencontainers.image.ref.name"] == "gp2gp-base"
	},
		layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "gp2gp-base"})); err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Println(d)
	return nil
}

type entry struct {
	name string
	mode int64
	dir  bool
	uid  int
	data []byte
}

func tarLayer(entries []entry) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: epoch, Uid: e.uid, Gid: e.uid, Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// finish sets the default command, the monthly run, on the image ko wrote
// (ko clears CMD), and writes the tarball again under tag.
func finish(file, tag string) error {
	img, cf, err := readTarball(file)
	if err != nil {
		return err
	}
	cfg := cf.Config.DeepCopy()
	cfg.Cmd = []string{"run"}
	if img, err = mutate.Config(img, *cfg); err != nil {
		return err
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// readTarball reads the image in the tarball file, and its config.
func readTarball(file string) (v1.Image, *v1.ConfigFile, error) {
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return nil, nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, err
	}
	return img, cf, nil
}

// check prints the image's config, fails unless it runs the binary as the
// non-root user with CMD ["run"] and CA certificates, and extracts the
// binary.
func check(file, extract string) error {
	img, cf, err := readTarball(file)
	if err != nil {
		return err
	}
	c := cf.Config
	fmt.Printf("os/arch: %s/%s\nuser: %s\nentrypoint: %q\ncmd: %q\nenv: %q\n", cf.OS, cf.Architecture, c.User, c.Entrypoint, c.Cmd, c.Env)
	var problems []string
	if c.User != User && c.User != User+":"+User {
		problems = append(problems, fmt.Sprintf("user %q, want %s", c.User, User))
	}
	if !slices.Equal(c.Entrypoint, []string{App}) {
		problems = append(problems, fmt.Sprintf("entrypoint %q, want [%q]", c.Entrypoint, App))
	}
	if !slices.Equal(c.Cmd, []string{"run"}) {
		problems = append(problems, fmt.Sprintf("cmd %q, want [\"run\"]", c.Cmd))
	}
	files := map[string][]byte{}
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p := path.Join("/", h.Name)
		switch p {
		case App, "/etc/ssl/certs/ca-certificates.crt", "/etc/passwd":
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			files[p] = b
		}
	}
	for _, p := range []string{App, "/etc/ssl/certs/ca-certificates.crt", "/etc/passwd"} {
		if len(files[p]) == 0 {
			problems = append(problems, "no "+p)
		}
	}
	if !bytes.Contains(files["/etc/passwd"], []byte(":"+User+":"+User+":")) {
		problems = append(problems, "no passwd entry for "+User)
	}
	if len(problems) > 0 {
		return errors.New(fmt.Sprint(problems))
	}
	fmt.Printf("files: %s (%d bytes), CA certificates (%d bytes), /etc/passwd\n", App, len(files[App]), len(files["/etc/ssl/certs/ca-certificates.crt"]))
	if extract != "" {
		return os.WriteFile(extract, files[App], 0o755)
	}
	return nil
}
