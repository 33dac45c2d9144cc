package archive

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/gpai-project/gpai"
)

// KeyID returns the ID of pub: "ed25519:" and the first 16 bytes of the
// SHA-256 of the key, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(sum[:16])
}

// MarshalPublicKey encodes pub as a PEM "PUBLIC KEY" block (PKIX), which
// OpenSSL reads.
func MarshalPublicKey(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("archive: marshal public key: " + err.Error()) // cannot fail for Ed25519
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKey decodes a PEM "PUBLIC KEY" block holding an Ed25519 key.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("not a PEM PUBLIC KEY block")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an Ed25519 key", k)
	}
	return pub, nil
}

// MarshalPrivateKey encodes key as a PEM "PRIVATE KEY" block (PKCS #8).
func MarshalPrivateKey(key ed25519.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic("archive: marshal private key: " + err.Error()) // cannot fail for Ed25519
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// ParsePrivateKey decodes a PEM "PRIVATE KEY" block holding an Ed25519 key.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an Ed25519 key", k)
	}
	return key, nil
}

// WriteKeyFile writes key to a new file at path, readable by its owner
// only (mode 0600), creating its folder with mode 0700 if needed. It never
// replaces a file: if path exists, it returns an error with code
// gpai.ECONFLICT.
func WriteKeyFile(path string, key ed25519.PrivateKey) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot create the folder of %s: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return gpai.Errorf(gpai.ECONFLICT, "key file %s already exists; gpai never overwrites a key", path)
	}
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot create key file %s: %v", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	_, err = f.Write(MarshalPrivateKey(key))
	if err == nil {
		err = f.Chmod(0o600) // in case the umask was odd
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write key file %s: %v", path, err)
	}
	return nil
}

// ReadKeyFile reads a private key written by WriteKeyFile. On Unix it
// refuses a file that others than its owner may read, as ssh does.
func ReadKeyFile(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "no signing key at %s (create one with: gpai keys init)", path)
	}
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read key file %s: %v", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read key file %s: %v", path, err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, gpai.Errorf(gpai.EINVALID, "key file %s has mode %04o: others may read it; make it private with: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read key file %s: %v", path, err)
	}
	key, err := ParsePrivateKey(b)
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "key file %s: %v", path, err)
	}
	return key, nil
}
