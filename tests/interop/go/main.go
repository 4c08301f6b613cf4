// Command gointerop checks aitrail's signed notes, checkpoints, Merkle
// proofs and cosignatures against Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog, and produces the same kinds of values for aitrail to check.
//
// Usage (inputs that are documents come on standard input):
//
//	sign-checkpoint ORIGIN LEAF...        print a new verifier key, then the signed checkpoint of the leaves
//	open-checkpoint VKEY                  open the checkpoint note on stdin; print "ORIGIN SIZE ROOT"
//	prove-inclusion INDEX LEAF...         print the root, then the inclusion proof, one hash a line
//	prove-consistency SIZE1 LEAF...       print root1, root2, then the consistency proof
//	check-inclusion SIZE INDEX ROOT LEAF  check the inclusion proof on stdin
//	check-consistency SIZE1 SIZE2 ROOT1 ROOT2  check the consistency proof on stdin
//	cosign NAME TIME                      print a new witness verifier key, then its cosignature line of the body on stdin
//	check-cosignature VKEY LINE           check a cosignature line of the body on stdin; print its time
//	witness-request SKEY OLD LEAF...      print a tlog-witness add-checkpoint body: old size, proof, checkpoint signed with SKEY
//	serve-witness LOG_VKEY NAME [CERT]    run a tlog-witness server for one log on 127.0.0.1 (any port); print
//	                                      its verifier key, then "listening 127.0.0.1:PORT"; with CERT, over
//	                                      TLS with a new self-signed certificate for 127.0.0.1 written there (PEM)
//
// Hashes are standard base64. Exit status 1 means the check failed.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gointerop: "+format+"\n", args...)
	os.Exit(1)
}

func stdin() []byte {
	b, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	return b
}

func atoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fail("not a number: %q", s)
	}
	return n
}

func hashOf(s string) tlog.Hash {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		fail("not a base64 hash: %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// proofLines reads one base64 hash a line from stdin.
func proofLines() []tlog.Hash {
	var out []tlog.Hash
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, hashOf(line))
		}
	}
	return out
}

// tree stores the hashes of a log of the given leaves the way sumdb does.
type tree struct {
	stored []tlog.Hash
	n      int64
}

func newTree(leaves []string) *tree {
	t := &tree{}
	for _, leaf := range leaves {
		hashes, err := tlog.StoredHashes(t.n, []byte(leaf), t)
		if err != nil {
			fail("StoredHashes: %v", err)
		}
		t.stored = append(t.stored, hashes...)
		t.n++
	}
	return t
}

func (t *tree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.stored)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = t.stored[x]
	}
	return out, nil
}

func (t *tree) root(n int64) tlog.Hash {
	h, err := tlog.TreeHash(n, t)
	if err != nil {
		fail("TreeHash: %v", err)
	}
	return h
}

// cosignatureKeyID is SHA-256(name || 0x0A || 0x04 || public key)[:4].
func cosignatureKeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.Sum256(append([]byte(name+"\n\x04"), pub...))
	return binary.BigEndian.Uint32(h[:4])
}

func cosignatureMessage(body []byte, t uint64) []byte {
	return append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), body...)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: gointerop COMMAND ARGS...")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "sign-checkpoint":
		skey, vkey, err := note.GenerateKey(rand.Reader, args[0])
		if err != nil {
			fail("GenerateKey: %v", err)
		}
		signer, err := note.NewSigner(skey)
		if err != nil {
			fail("NewSigner: %v", err)
		}
		t := newTree(args[1:])
		text := fmt.Sprintf("%s\n%d\n%s\n", args[0], t.n, b64(t.root(t.n)))
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			fail("Sign: %v", err)
		}
		fmt.Println(vkey)
		os.Stdout.Write(msg)
	case "open-checkpoint":
		v, err := note.NewVerifier(args[0])
		if err != nil {
			fail("NewVerifier: %v", err)
		}
		n, err := note.Open(stdin(), note.VerifierList(v))
		if err != nil {
			fail("Open: %v", err)
		}
		lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
		if len(lines) < 3 {
			fail("checkpoint has %d lines", len(lines))
		}
		size, err := strconv.ParseUint(lines[1], 10, 64)
		if err != nil || strconv.FormatUint(size, 10) != lines[1] {
			fail("bad tree size %q", lines[1])
		}
		root := hashOf(lines[2])
		fmt.Printf("%s %d %s\n", lines[0], size, b64(root))
	case "prove-inclusion":
		t := newTree(args[1:])
		p, err := tlog.ProveRecord(t.n, atoi(args[0]), t)
		if err != nil {
			fail("ProveRecord: %v", err)
		}
		fmt.Println(b64(t.root(t.n)))
		for _, h := range p {
			fmt.Println(b64(h))
		}
	case "prove-consistency":
		t := newTree(args[1:])
		size1 := atoi(args[0])
		p, err := tlog.ProveTree(t.n, size1, t)
		if err != nil {
			fail("ProveTree: %v", err)
		}
		fmt.Println(b64(t.root(size1)))
		fmt.Println(b64(t.root(t.n)))
		for _, h := range p {
			fmt.Println(b64(h))
		}
	case "check-inclusion":
		err := tlog.CheckRecord(proofLines(), atoi(args[0]), hashOf(args[2]), atoi(args[1]), tlog.RecordHash([]byte(args[3])))
		if err != nil {
			fail("CheckRecord: %v", err)
		}
		fmt.Println("ok")
	case "check-consistency":
		err := tlog.CheckTree(proofLines(), atoi(args[1]), hashOf(args[3]), atoi(args[0]), hashOf(args[2]))
		if err != nil {
			fail("CheckTree: %v", err)
		}
		fmt.Println("ok")
	case "cosign":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			fail("GenerateKey: %v", err)
		}
		t, err := strconv.ParseUint(args[1], 10, 63)
		if err != nil {
			fail("bad time %q", args[1])
		}
		id := cosignatureKeyID(args[0], pub)
		body := stdin()
		payload := make([]byte, 12, 76)
		binary.BigEndian.PutUint32(payload, id)
		binary.BigEndian.PutUint64(payload[4:], t)
		payload = append(payload, ed25519.Sign(priv, cosignatureMessage(body, t))...)
		fmt.Printf("%s+%08x+%s\n", args[0], id, base64.StdEncoding.EncodeToString(append([]byte{4}, pub...)))
		fmt.Printf("— %s %s\n", args[0], base64.StdEncoding.EncodeToString(payload))
	case "check-cosignature":
		parts := strings.SplitN(args[0], "+", 3)
		if len(parts) != 3 {
			fail("bad verifier key")
		}
		key, err := base64.StdEncoding.DecodeString(parts[2])
		if err != nil || len(key) != 33 || key[0] != 4 {
			fail("not a cosignature/v1 verifier key")
		}
		pub := ed25519.PublicKey(key[1:])
		if fmt.Sprintf("%08x", cosignatureKeyID(parts[0], pub)) != parts[1] {
			fail("key id does not match the key")
		}
		fields := strings.Fields(strings.TrimPrefix(args[1], "— "))
		if len(fields) != 2 || fields[0] != parts[0] {
			fail("signature line is not by %s", parts[0])
		}
		sig, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil || len(sig) != 76 || binary.BigEndian.Uint32(sig) != cosignatureKeyID(parts[0], pub) {
			fail("malformed cosignature")
		}
		t := binary.BigEndian.Uint64(sig[4:12])
		if !ed25519.Verify(pub, cosignatureMessage(stdin(), t), sig[12:]) {
			fail("cosignature does not verify")
		}
		fmt.Println(t)
	case "witness-request":
		signer, err := note.NewSigner(args[0])
		if err != nil {
			fail("NewSigner: %v", err)
		}
		old := atoi(args[1])
		t := newTree(args[2:])
		text := fmt.Sprintf("%s\n%d\n%s\n", signer.Name(), t.n, b64(t.root(t.n)))
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			fail("Sign: %v", err)
		}
		fmt.Printf("old %d\n", old)
		if old > 0 && old < t.n {
			p, err := tlog.ProveTree(t.n, old, t)
			if err != nil {
				fail("ProveTree: %v", err)
			}
			for _, h := range p {
				fmt.Println(b64(h))
			}
		}
		fmt.Println()
		os.Stdout.Write(msg)
	case "serve-witness":
		cert := ""
		if len(args) > 2 {
			cert = args[2]
		}
		serveWitness(args[0], args[1], cert)
	case "check-tlog-proof":
		// check-tlog-proof VKEY < proof: a c2sp.org/tlog-proof@v1 made by
		// aitrail prove. Opens the checkpoint, recomputes the entry hash
		// from the line carried in extra, checks the inclusion proof with
		// the leaf SHA-256(0x00 || 32 hash bytes). Prints "origin size index".
		v, err := note.NewVerifier(args[0])
		if err != nil {
			fail("NewVerifier: %v", err)
		}
		text := string(stdin())
		head, cp, found := strings.Cut(text, "\n\n")
		if !found {
			fail("no blank line before the checkpoint")
		}
		lines := strings.Split(head, "\n")
		if lines[0] != "c2sp.org/tlog-proof@v1" {
			fail("bad header %q", lines[0])
		}
		lines = lines[1:]
		var extra []byte
		if strings.HasPrefix(lines[0], "extra ") {
			extra, err = base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[0], "extra "))
			if err != nil {
				fail("extra is not base64")
			}
			lines = lines[1:]
		}
		if !strings.HasPrefix(lines[0], "index ") {
			fail("no index line")
		}
		index := atoi(strings.TrimPrefix(lines[0], "index "))
		var proof tlog.RecordProof
		for _, l := range lines[1:] {
			proof = append(proof, hashOf(l))
		}
		n, err := note.Open([]byte(cp), note.VerifierList(v))
		if err != nil {
			fail("Open: %v", err)
		}
		body := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
		size := atoi(body[1])
		root := hashOf(body[2])
		entry := strings.TrimSuffix(string(extra), "\n")
		if strings.HasPrefix(entry, "hasher ") {
			fail("keyed trail: not checked here")
		}
		at := strings.Index(entry, `"prev":`)
		hashAt := strings.Index(entry, `"hash":"`)
		if at < 0 || hashAt < 0 {
			fail("extra is not an entry line")
		}
		sum := sha256.Sum256([]byte("{" + entry[at:]))
		stated := entry[hashAt+8 : hashAt+8+64]
		if fmt.Sprintf("%x", sum) != stated {
			fail("entry hash %x, the line states %s", sum, stated)
		}
		var raw [32]byte
		for i := 0; i < 32; i++ {
			b, err := strconv.ParseUint(stated[2*i:2*i+2], 16, 8)
			if err != nil {
				fail("bad hash hex")
			}
			raw[i] = byte(b)
		}
		if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(raw[:])); err != nil {
			fail("CheckRecord: %v", err)
		}
		fmt.Printf("%s %d %d\n", body[0], size, index)
	default:
		fail("unknown command %q", os.Args[1])
	}
}

// serveWitness is an independent c2sp.org/tlog-witness server for one log,
// kept in memory: note.Open for the log signature, tlog.CheckTree for
// consistency, crypto/ed25519 for the cosignature/v1.
func serveWitness(logVkey, name, certFile string) {
	verifier, err := note.NewVerifier(logVkey)
	if err != nil {
		fail("NewVerifier: %v", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fail("GenerateKey: %v", err)
	}
	id := cosignatureKeyID(name, pub)
	var mu sync.Mutex
	var size int64
	var root tlog.Hash
	http.HandleFunc("/add-checkpoint", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		head, msg, ok := strings.Cut(string(body), "\n\n")
		lines := strings.Split(head, "\n")
		if !ok || !strings.HasPrefix(lines[0], "old ") {
			http.Error(w, "malformed request", http.StatusBadRequest)
			return
		}
		old, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "old "), 10, 64)
		if err != nil || old < 0 {
			http.Error(w, "bad old size", http.StatusBadRequest)
			return
		}
		var proof tlog.TreeProof
		for _, l := range lines[1:] {
			h, err := tlog.ParseHash(l)
			if err != nil {
				http.Error(w, "bad proof line", http.StatusBadRequest)
				return
			}
			proof = append(proof, h)
		}
		if !strings.HasPrefix(msg, verifier.Name()+"\n") {
			http.Error(w, "unknown log", http.StatusNotFound)
			return
		}
		n, err := note.Open([]byte(msg), note.VerifierList(verifier))
		if err != nil {
			http.Error(w, "bad signature: "+err.Error(), http.StatusForbidden)
			return
		}
		cl := strings.Split(n.Text, "\n")
		newSize, err1 := strconv.ParseInt(cl[1], 10, 64)
		newRoot, err2 := tlog.ParseHash(cl[2])
		if err1 != nil || err2 != nil {
			http.Error(w, "malformed checkpoint", http.StatusBadRequest)
			return
		}
		if old > newSize {
			http.Error(w, "old size above the checkpoint's", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if old != size {
			w.Header().Set("Content-Type", "text/x.tlog.size")
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, "%d\n", size)
			return
		}
		switch {
		case old == 0:
			if len(proof) != 0 {
				http.Error(w, "proof from 0 must be empty", http.StatusUnprocessableEntity)
				return
			}
		case old == newSize:
			if newRoot != root {
				http.Error(w, "same size, other root", http.StatusConflict)
				return
			}
		default:
			if err := tlog.CheckTree(proof, newSize, newRoot, old, root); err != nil {
				http.Error(w, "inconsistent: "+err.Error(), http.StatusUnprocessableEntity)
				return
			}
		}
		size, root = newSize, newRoot
		t := uint64(time.Now().Unix())
		payload := make([]byte, 12, 76)
		binary.BigEndian.PutUint32(payload, id)
		binary.BigEndian.PutUint64(payload[4:], t)
		payload = append(payload, ed25519.Sign(priv, cosignatureMessage([]byte(n.Text), t))...)
		fmt.Fprintf(w, "— %s %s\n", name, base64.StdEncoding.EncodeToString(payload))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("Listen: %v", err)
	}
	if certFile != "" {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{selfSigned(certFile)}})
	}
	fmt.Printf("%s+%08x+%s\n", name, id, base64.StdEncoding.EncodeToString(append([]byte{4}, pub...)))
	fmt.Printf("listening %s\n", ln.Addr())
	fail("Serve: %v", http.Serve(ln, nil))
}

// selfSigned makes a certificate for 127.0.0.1 and writes it to file (PEM).
func selfSigned(file string) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("GenerateKey: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		fail("CreateCertificate: %v", err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		fail("WriteFile: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
