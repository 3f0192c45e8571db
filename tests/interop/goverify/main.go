// Command goverify is an independent cross-check of the ledger's public
// artifacts. It verifies signed-note checkpoints, inclusion receipts and
// consistency proofs with Go's golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog packages, i.e. with code the ledger did not
// write.
//
// Usage:
//
//	goverify checkpoint  VKEY_FILE NOTE_FILE
//	goverify receipt     VKEY_FILE RECEIPT_JSON
//	goverify consistency VKEY_FILE OLD_NOTE NEW_NOTE PROOF_JSON
//	goverify cosigned    VKEY_FILE NOTE_FILE [COSIGNER_VKEY_FILE ...]
//	goverify tiles       VKEY_FILE SITE_DIR [INDEX ...]
//
// Exit status: 0 verified, 1 verification failed (message on stderr),
// 2 usage error.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	receiptFormat     = "ledger-receipt/v1"
	consistencyFormat = "ledger-consistency/v1"
)

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usageText = `usage:
  goverify checkpoint  VKEY_FILE NOTE_FILE
  goverify receipt     VKEY_FILE RECEIPT_JSON
  goverify consistency VKEY_FILE OLD_NOTE NEW_NOTE PROOF_JSON
  goverify cosigned    VKEY_FILE NOTE_FILE [COSIGNER_VKEY_FILE ...]
  goverify tiles       VKEY_FILE SITE_DIR [INDEX ...]`

func main() {
	err := run(os.Args[1:])
	if err == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "goverify: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(os.Stderr, usageText)
		os.Exit(2)
	}
	os.Exit(1)
}

func run(args []string) error {
	if len(args) == 0 {
		return usageError{"missing subcommand"}
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "checkpoint":
		if len(args) != 2 {
			return usageError{"checkpoint takes VKEY_FILE NOTE_FILE"}
		}
		return cmdCheckpoint(args[0], args[1])
	case "receipt":
		if len(args) != 2 {
			return usageError{"receipt takes VKEY_FILE RECEIPT_JSON"}
		}
		return cmdReceipt(args[0], args[1])
	case "consistency":
		if len(args) != 4 {
			return usageError{"consistency takes VKEY_FILE OLD_NOTE NEW_NOTE PROOF_JSON"}
		}
		return cmdConsistency(args[0], args[1], args[2], args[3])
	case "cosigned":
		if len(args) < 2 {
			return usageError{"cosigned takes VKEY_FILE NOTE_FILE [COSIGNER_VKEY_FILE ...]"}
		}
		return cmdCosigned(args[0], args[1], args[2:])
	case "tiles":
		if len(args) < 2 {
			return usageError{"tiles takes VKEY_FILE SITE_DIR [INDEX ...]"}
		}
		return cmdTiles(args[0], args[1], args[2:])
	case "-h", "--help", "help":
		fmt.Println(usageText)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown subcommand %q", cmd)}
	}
}

// ---------------------------------------------------------------------------
// Checkpoints (C2SP tlog-checkpoint) inside signed notes (C2SP signed-note).

type checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

func (c checkpoint) String() string {
	return fmt.Sprintf("%s %d %s", c.Origin, c.Size, hex.EncodeToString(c.Root[:]))
}

// readVerifier reads a vkey (name+hash+base64(0x01||pub)) from a file and
// turns it into a note.Verifier with note.NewVerifier.
func readVerifier(path string) (note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vkey := strings.TrimSpace(string(b))
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("%s: note.NewVerifier: %v", path, err)
	}
	return v, nil
}

// parseCheckpoint parses a C2SP tlog-checkpoint note body:
//
//	<origin>\n<decimal size>\n<base64 root>\n[extension lines\n...]
//
// tlog.ParseTree is not used: it insists on the first line being
// "go.sum database tree". The size and hash rules here are the ones
// tlog.ParseTree applies (decimal without leading zeros, 32-byte base64).
func parseCheckpoint(text string) (checkpoint, error) {
	var c checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, errors.New("checkpoint body does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("checkpoint body has %d lines, want at least 3", len(lines))
	}
	for i, l := range lines[3:] {
		if l == "" {
			return c, fmt.Errorf("checkpoint extension line %d is empty", i+4)
		}
	}
	c.Origin = lines[0]
	if c.Origin == "" {
		return c, errors.New("checkpoint origin line is empty")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return c, fmt.Errorf("checkpoint size line %q is not a canonical non-negative decimal", lines[1])
	}
	c.Size = n
	h, err := decodeHash(lines[2])
	if err != nil {
		return c, fmt.Errorf("checkpoint root line: %v", err)
	}
	c.Root = h
	return c, nil
}

// openCheckpoint verifies msg as a signed note against exactly the log key
// (note.Open with a one-element note.VerifierList; signatures by unknown keys
// such as cosigners are ignored by note.Open) and parses its body.
func openCheckpoint(v note.Verifier, msg []byte, what string) (checkpoint, *note.Note, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, nil, fmt.Errorf("%s: note.Open: %v", what, err)
	}
	if !signedBy(n, v) {
		// Cannot happen with a one-key VerifierList, but be explicit.
		return checkpoint{}, nil, fmt.Errorf("%s: no valid signature by %s+%08x", what, v.Name(), v.KeyHash())
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return checkpoint{}, nil, fmt.Errorf("%s: %v", what, err)
	}
	return c, n, nil
}

func signedBy(n *note.Note, v note.Verifier) bool {
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			return true
		}
	}
	return false
}

func cmdCheckpoint(vkeyFile, noteFile string) error {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return err
	}
	msg, err := os.ReadFile(noteFile)
	if err != nil {
		return err
	}
	c, _, err := openCheckpoint(v, msg, noteFile)
	if err != nil {
		return err
	}
	fmt.Println(c)
	return nil
}

// ---------------------------------------------------------------------------
// Strict decoding helpers.

var strictB64 = base64.StdEncoding.Strict()

func decodeHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := strictB64.DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("bad base64 %q: %v", s, err)
	}
	if len(b) != tlog.HashSize {
		return h, fmt.Errorf("hash %q is %d bytes, want %d", s, len(b), tlog.HashSize)
	}
	copy(h[:], b)
	return h, nil
}

func decodeHashes(list []string, what string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := decodeHash(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %v", what, i, err)
		}
		out[i] = h
	}
	return out, nil
}

// readJSON decodes exactly one JSON object from path into dst. Unknown
// fields are tolerated (forward compatibility); required fields are checked
// by the callers through pointer fields.
func readJSON(path string, dst interface{}) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err == nil {
		return fmt.Errorf("%s: trailing data after JSON object", path)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Inclusion receipts.

type receiptJSON struct {
	Format     *string   `json:"format"`
	Index      *int64    `json:"index"`
	Entry      *string   `json:"entry"`
	TreeSize   *int64    `json:"tree_size"`
	Inclusion  *[]string `json:"inclusion"`
	Checkpoint *string   `json:"checkpoint"`
}

func cmdReceipt(vkeyFile, receiptFile string) error {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return err
	}
	var r receiptJSON
	if err := readJSON(receiptFile, &r); err != nil {
		return err
	}
	switch {
	case r.Format == nil:
		return errors.New("receipt: missing \"format\"")
	case *r.Format != receiptFormat:
		return fmt.Errorf("receipt: format %q, want %q", *r.Format, receiptFormat)
	case r.Index == nil:
		return errors.New("receipt: missing \"index\"")
	case r.Entry == nil:
		return errors.New("receipt: missing \"entry\"")
	case r.TreeSize == nil:
		return errors.New("receipt: missing \"tree_size\"")
	case r.Inclusion == nil:
		return errors.New("receipt: missing \"inclusion\"")
	case r.Checkpoint == nil:
		return errors.New("receipt: missing \"checkpoint\"")
	}
	c, _, err := openCheckpoint(v, []byte(*r.Checkpoint), "receipt checkpoint")
	if err != nil {
		return err
	}
	if *r.TreeSize != c.Size {
		return fmt.Errorf("receipt: tree_size %d != checkpoint size %d", *r.TreeSize, c.Size)
	}
	index := *r.Index
	if index < 0 || index >= c.Size {
		return fmt.Errorf("receipt: index %d out of range for tree size %d", index, c.Size)
	}
	entry, err := strictB64.DecodeString(*r.Entry)
	if err != nil {
		return fmt.Errorf("receipt: entry: bad base64: %v", err)
	}
	proof, err := decodeHashes(*r.Inclusion, "receipt inclusion")
	if err != nil {
		return err
	}
	// tlog.RecordHash(data) = SHA-256(0x00 || data), the RFC 6962 leaf hash.
	leaf := tlog.RecordHash(entry)
	// tlog.RecordProof is the RFC 6962 §2.1.1 / RFC 9162 §2.1.3.1 audit
	// path, ordered leaf-to-root (deepest sibling first).
	if err := tlog.CheckRecord(tlog.RecordProof(proof), c.Size, c.Root, index, leaf); err != nil {
		return fmt.Errorf("receipt: tlog.CheckRecord(index=%d, size=%d): %v", index, c.Size, err)
	}
	fmt.Printf("%s %d %s %d %s\n", c.Origin, c.Size, hex.EncodeToString(c.Root[:]), index, hex.EncodeToString(leaf[:]))
	return nil
}

// ---------------------------------------------------------------------------
// Consistency proofs.

type consistencyJSON struct {
	Format  *string   `json:"format"`
	OldSize *int64    `json:"old_size"`
	NewSize *int64    `json:"new_size"`
	Proof   *[]string `json:"proof"`
}

func cmdConsistency(vkeyFile, oldFile, newFile, proofFile string) error {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return err
	}
	oldMsg, err := os.ReadFile(oldFile)
	if err != nil {
		return err
	}
	newMsg, err := os.ReadFile(newFile)
	if err != nil {
		return err
	}
	oldC, _, err := openCheckpoint(v, oldMsg, oldFile)
	if err != nil {
		return err
	}
	newC, _, err := openCheckpoint(v, newMsg, newFile)
	if err != nil {
		return err
	}
	if oldC.Origin != newC.Origin {
		return fmt.Errorf("consistency: origins differ: %q vs %q", oldC.Origin, newC.Origin)
	}
	var p consistencyJSON
	if err := readJSON(proofFile, &p); err != nil {
		return err
	}
	switch {
	case p.Format == nil:
		return errors.New("consistency: missing \"format\"")
	case *p.Format != consistencyFormat:
		return fmt.Errorf("consistency: format %q, want %q", *p.Format, consistencyFormat)
	case p.OldSize == nil:
		return errors.New("consistency: missing \"old_size\"")
	case p.NewSize == nil:
		return errors.New("consistency: missing \"new_size\"")
	case p.Proof == nil:
		return errors.New("consistency: missing \"proof\"")
	}
	if *p.OldSize != oldC.Size {
		return fmt.Errorf("consistency: old_size %d != old checkpoint size %d", *p.OldSize, oldC.Size)
	}
	if *p.NewSize != newC.Size {
		return fmt.Errorf("consistency: new_size %d != new checkpoint size %d", *p.NewSize, newC.Size)
	}
	m, n := oldC.Size, newC.Size
	if m > n {
		return fmt.Errorf("consistency: old size %d > new size %d", m, n)
	}
	proof, err := decodeHashes(*p.Proof, "consistency proof")
	if err != nil {
		return err
	}
	if m == 0 {
		// tlog.CheckTree rejects an empty old tree (RFC 6962 defines
		// PROOF(m, D[n]) only for 0 < m). Every tree extends the empty tree;
		// accept only the trivial form: empty proof, old root = SHA-256("").
		empty := tlog.Hash(sha256.Sum256(nil))
		if len(proof) != 0 {
			return fmt.Errorf("consistency: old size 0 needs an empty proof, got %d hashes", len(proof))
		}
		if oldC.Root != empty {
			return errors.New("consistency: old size 0 but old root is not SHA-256(\"\")")
		}
	} else {
		// tlog.TreeProof is the RFC 6962 §2.1.2 / RFC 9162 §2.1.4.1
		// consistency proof, in the RFC's order.
		if err := tlog.CheckTree(tlog.TreeProof(proof), n, newC.Root, m, oldC.Root); err != nil {
			return fmt.Errorf("consistency: tlog.CheckTree(%d -> %d): %v", m, n, err)
		}
	}
	fmt.Printf("%s %d %s %d %s\n", newC.Origin, m, hex.EncodeToString(oldC.Root[:]), n, hex.EncodeToString(newC.Root[:]))
	return nil
}

// ---------------------------------------------------------------------------
// Cosignatures (C2SP tlog-cosignature, cosignature/v1, Ed25519, type 0x04).
//
// golang.org/x/mod/sumdb/note v0.7.0 knows only signature type 0x01, so the
// cosignature verifier below is ours; note.Open still does all the note
// parsing and the dispatch by (name, key hash).

const algCosignatureV1 = 0x04

type cosigVerifier struct {
	name      string
	hash      uint32
	pub       ed25519.PublicKey
	timestamp uint64 // of the last accepted cosignature
}

func (c *cosigVerifier) Name() string    { return c.name }
func (c *cosigVerifier) KeyHash() uint32 { return c.hash }
func (c *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	ts := binary.BigEndian.Uint64(sig[:8])
	if ts > 1<<63-1 {
		return false
	}
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", ts)), msg...)
	if !ed25519.Verify(c.pub, signed, sig[8:]) {
		return false
	}
	c.timestamp = ts
	return true
}

func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}

func readCosigVerifier(path string) (*cosigVerifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vkey := strings.TrimSpace(string(b))
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || !validName(parts[0]) || len(parts[1]) != 8 {
		return nil, fmt.Errorf("%s: malformed cosigner vkey", path)
	}
	hash, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed cosigner vkey hash", path)
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != algCosignatureV1 {
		return nil, fmt.Errorf("%s: cosigner vkey must be base64(0x04 || 32-byte Ed25519 key)", path)
	}
	sum := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
	if uint32(hash) != binary.BigEndian.Uint32(sum[:4]) {
		return nil, fmt.Errorf("%s: cosigner vkey hash mismatch", path)
	}
	return &cosigVerifier{name: parts[0], hash: uint32(hash), pub: ed25519.PublicKey(key[1:])}, nil
}

// cmdCosigned verifies the log signature with note.Open; signature lines of
// keys it was not given (cosignatures included) are ignored by note.Open and
// listed as "unverified". Cosigner vkeys given after NOTE_FILE must each have
// a valid cosignature/v1 line in the note.
func cmdCosigned(vkeyFile, noteFile string, cosignerFiles []string) error {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return err
	}
	msg, err := os.ReadFile(noteFile)
	if err != nil {
		return err
	}
	verifiers := []note.Verifier{v}
	var cosigners []*cosigVerifier
	for _, f := range cosignerFiles {
		cv, err := readCosigVerifier(f)
		if err != nil {
			return err
		}
		cosigners = append(cosigners, cv)
		verifiers = append(verifiers, cv)
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		return fmt.Errorf("%s: note.Open: %v", noteFile, err)
	}
	// With cosigner keys in the list, note.Open succeeds on any one valid
	// signature, so the log's own signature must be checked for explicitly.
	if !signedBy(n, v) {
		return fmt.Errorf("%s: no valid log signature by %s+%08x", noteFile, v.Name(), v.KeyHash())
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return fmt.Errorf("%s: %v", noteFile, err)
	}
	for _, cv := range cosigners {
		if !signedBy(n, cv) {
			return fmt.Errorf("%s: no cosignature by %s+%08x", noteFile, cv.name, cv.hash)
		}
	}
	fmt.Println(c)
	fmt.Printf("log %s %08x\n", v.Name(), v.KeyHash())
	for _, cv := range cosigners {
		fmt.Printf("cosigned %s %08x %d\n", cv.name, cv.hash, cv.timestamp)
	}
	for _, s := range n.UnverifiedSigs {
		fmt.Printf("unverified %s %08x\n", s.Name, s.Hash)
	}
	return nil
}
