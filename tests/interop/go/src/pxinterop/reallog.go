// The audit of a real log written by the parallax binary: its checkpoint
// is opened with Go's note package and the key in DIR/log.pub, the entry
// bundles under DIR/log/tile/entries/ (C2SP tlog-tiles: big-endian uint16
// length-prefixed entries) are hashed into a tree with Go's tlog, and the
// root must be the checkpoint's.  Every hash tile under DIR/log/tile/<L>/
// must hold what tlog.ReadTileData computes for it.

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tilePath spells a tile index the tlog-tiles way: 3-digit groups, all but
// the last prefixed with 'x' (1234067 -> x001/x234/067), then .p/W if the
// tile is partial.
func tilePath(level string, n int64, w int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	p := "tile/" + level + "/" + s
	if w < 256 {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

// readCheckpoint opens the checkpoint file cpath of the log in dir with
// the key in DIR/log.pub, with Go's note package and with pxtool.
func readCheckpoint(dir, cpath string) (origin string, size int64, root tlog.Hash, ok bool) {
	pub := filepath.Join(dir, "log.pub")
	vkey, err := os.ReadFile(pub)
	if !check(err == nil, "read log.pub: %v", err) {
		return
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if !check(err == nil, "Go rejects the log's verifier key %q: %v", vkey, err) {
		return
	}
	msg, err := os.ReadFile(cpath)
	if !check(err == nil, "read checkpoint: %v", err) {
		return
	}
	pxOut, stderr, pxOK := px(msg, "checkpoint-open", "@"+pub, "0")
	check(pxOK, "parallax cannot open its own checkpoint %s: %s", cpath, stderr)
	n, err := note.Open(msg, note.VerifierList(v))
	if !check(err == nil, "Go cannot open the log's checkpoint: %v\n%s", err, msg) {
		return
	}
	lines := strings.Split(n.Text, "\n")
	if !check(len(lines) >= 4 && lines[len(lines)-1] == "", "checkpoint text %q", n.Text) {
		return
	}
	origin = lines[0]
	check(origin == v.Name(), "checkpoint origin %q is not the key name %q", origin, v.Name())
	size, err = strconv.ParseInt(lines[1], 10, 64)
	check(err == nil && strconv.FormatInt(size, 10) == lines[1], "checkpoint size %q", lines[1])
	r, err := base64.StdEncoding.DecodeString(lines[2])
	if !check(err == nil && len(r) == 32, "checkpoint root %q", lines[2]) {
		return
	}
	copy(root[:], r)
	check(pxOut == fmt.Sprintf("%s %d %x\n", origin, size, root[:]),
		"pxtool reads checkpoint %s as %q", cpath, pxOut)
	ok = true
	return
}

// readEntries reads the first size entries from the log's entry bundles.
func readEntries(dir string, size int64) ([][]byte, bool) {
	var entries [][]byte
	for n := int64(0); n*256 < size; n++ {
		w := 256
		if size-n*256 < 256 {
			w = int(size - n*256)
		}
		p := tilePath("entries", n, w)
		data, err := os.ReadFile(filepath.Join(dir, "log", p))
		if !check(err == nil, "read bundle %s: %v", p, err) {
			return nil, false
		}
		for k := 0; k < w; k++ {
			if !check(len(data) >= 2, "bundle %s: entry %d is cut off", p, k) {
				return nil, false
			}
			l := int(data[0])<<8 | int(data[1])
			if !check(len(data) >= 2+l, "bundle %s: entry %d is cut off", p, k) {
				return nil, false
			}
			entries = append(entries, append([]byte(nil), data[2:2+l]...))
			data = data[2+l:]
		}
		check(len(data) == 0, "bundle %s: %d bytes after %d entries", p, len(data), w)
	}
	return entries, true
}

// testRealLog audits the log in dir; older are checkpoints the log had
// earlier, which its current tree must extend.
func testRealLog(dir string, older []string) {
	section := passed + failed
	origin, size, root, ok := readCheckpoint(dir, filepath.Join(dir, "log", "checkpoint"))
	if !ok {
		return
	}
	entries, ok := readEntries(dir, size)
	if !ok {
		return
	}
	t := &memTree{}
	for _, e := range entries {
		t.add(e)
	}
	h, err := tlog.TreeHash(size, t)
	check(err == nil && h == root, "log %s: Go's root of %d entries is %s, checkpoint says %s", origin, size, hx(h), hx(root))

	// Each older checkpoint is a prefix of this tree: its root is the
	// root of its size here, and the consistency proof between them (from
	// tlog, over the log's entries) verifies in parallax.
	for _, cp := range older {
		_, oldSize, oldRoot, ok := readCheckpoint(dir, cp)
		if !ok || !check(oldSize <= size, "older checkpoint %s has size %d > %d", cp, oldSize, size) {
			continue
		}
		if oldSize == 0 {
			// x/mod's TreeHash(0) is zeros; RFC 9162's is SHA-256("").
			check(oldRoot == tlog.Hash(sha256.Sum256(nil)), "empty checkpoint %s has root %s", cp, hx(oldRoot))
			continue
		}
		h, err := tlog.TreeHash(oldSize, t)
		check(err == nil && h == oldRoot, "older checkpoint %s: root of %d is %s, it says %s", cp, oldSize, hx(h), hx(oldRoot))
		p, err := tlog.ProveTree(size, oldSize, t)
		check(err == nil && tlog.CheckTree(p, size, root, oldSize, oldRoot) == nil,
			"tlog consistency %d -> %d: %v", oldSize, size, err)
		args := append([]string{"verify-consistency", strconv.FormatInt(oldSize, 10),
			strconv.FormatInt(size, 10), hx(oldRoot), hx(root)}, strings.Fields(hexList(p))...)
		_, stderr, ok := px(nil, args...)
		check(ok, "parallax rejects the consistency of checkpoint %d -> %d: %s", oldSize, size, stderr)
	}

	// Every hash tile as tlog computes it: full tiles, and the one partial
	// tile per level the current size has (Go lists every width a
	// publisher could have written on the way; C2SP keeps the current one).
	tiles := 0
	for _, tile := range tlog.NewTiles(8, 0, size) {
		if tile.W < 256 && int64(tile.W) != (size>>(8*tile.L))%256 {
			continue
		}
		want, err := tlog.ReadTileData(tile, t)
		if !check(err == nil, "tlog.ReadTileData(%v): %v", tile, err) {
			continue
		}
		p := tilePath(strconv.Itoa(tile.L), tile.N, tile.W)
		got, err := os.ReadFile(filepath.Join(dir, "log", p))
		check(err == nil && bytes.Equal(got, want), "tile %s differs from tlog's (%v)", p, err)
		tiles++
	}
	fmt.Printf("real log %q: %d entries, root and %d hash tiles match Go's tlog (%d checks)\n",
		origin, size, tiles, passed+failed-section)
}
