package main

// goverify tiles VKEY_FILE SITE_DIR [INDEX ...]
//
// Checks a published site (FORMATS.md §9) with golang.org/x/mod/sumdb/tlog:
//
//   - the site's checkpoint is signed by the log key (note.Open);
//   - every full hash tile, at every level, hashes (x/mod's HashFromTile over
//     its two halves, then NodeHash) to the entry its parent tile holds for
//     it (HashFromTile on the parent): Debian's x/mod 0.7 TileHashReader
//     returns hashes from a corrupted tile without complaint, so this check
//     is goverify's own, made from x/mod's tile-hashing functions;
//   - the tree hash computed from the tiles (tlog.TreeHash through
//     tlog.TileHashReader) is the checkpoint's root;
//   - for each INDEX (default: a sample), tlog.ProveRecord from the tiles and
//     tlog.CheckRecord against the root; where the site has entry bundles the
//     entry's tlog.RecordHash must be the leaf hash in the level-0 tile.
//
// Go's tiles live under tile/8/L/N (the height in the path); C2SP and the site
// use tile/L/N, so the reader drops the "8/".

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

type siteTiles struct {
	dir   string
	reads int
}

func (s *siteTiles) Height() int { return tileHeight }

func (s *siteTiles) path(t tlog.Tile) string {
	p := t.Path() // tile/8/L/NNN[.p/W] or tile/8/data/NNN
	p = strings.Replace(p, "tile/8/data/", "tile/entries/", 1)
	return strings.Replace(p, "tile/8/", "tile/", 1)
}

func (s *siteTiles) read(t tlog.Tile) ([]byte, error) {
	p := s.path(t)
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(p)))
	if err != nil {
		return nil, fmt.Errorf("tile %s: %v", p, err)
	}
	if t.L >= 0 && len(b) != t.W*tlog.HashSize {
		return nil, fmt.Errorf("tile %s: %d bytes, want %d", p, len(b), t.W*tlog.HashSize)
	}
	s.reads++
	return b, nil
}

func (s *siteTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := s.read(t)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (s *siteTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// tileAt is the tile of level l and index n of a tree of size size (partial if need be).
func tileAt(l int, n int64, size int64) tlog.Tile {
	count := size >> uint(tileHeight*l)
	w := count - n<<tileHeight
	if w > 1<<tileHeight {
		w = 1 << tileHeight
	}
	return tlog.Tile{H: tileHeight, L: l, N: n, W: int(w)}
}

// checkFullTiles hashes every full tile and compares it with its parent's entry.
func checkFullTiles(s *siteTiles, size int64) (int, error) {
	checked := 0
	for l := 0; size>>uint(tileHeight*l) > 0; l++ {
		count := size >> uint(tileHeight*l)
		for n := int64(0); n < count>>tileHeight; n++ {
			t := tlog.Tile{H: tileHeight, L: l, N: n, W: 1 << tileHeight}
			data, err := s.read(t)
			if err != nil {
				return checked, err
			}
			lvl := tileHeight*l + tileHeight - 1
			left, err := tlog.HashFromTile(t, data, tlog.StoredHashIndex(lvl, 2*n))
			if err != nil {
				return checked, err
			}
			right, err := tlog.HashFromTile(t, data, tlog.StoredHashIndex(lvl, 2*n+1))
			if err != nil {
				return checked, err
			}
			own := tlog.NodeHash(left, right)
			parent := tileAt(l+1, n>>tileHeight, size)
			pdata, err := s.read(parent)
			if err != nil {
				return checked, err
			}
			want, err := tlog.HashFromTile(parent, pdata, tlog.StoredHashIndex(tileHeight*(l+1), n))
			if err != nil {
				return checked, err
			}
			if own != want {
				return checked, fmt.Errorf("tile %s hashes to %x but its parent %s holds %x",
					s.path(t), own[:8], s.path(parent), want[:8])
			}
			checked++
		}
		if rest := count % (1 << tileHeight); rest != 0 {
			if _, err := s.read(tileAt(l, count>>tileHeight, size)); err != nil {
				return checked, err
			}
		}
	}
	return checked, nil
}

func leafFromBundle(s *siteTiles, size, index int64) ([]byte, bool, error) {
	t := tileAt(0, index>>tileHeight, size)
	t.L = -1
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(s.path(t))))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	want := index % (1 << tileHeight)
	for i, pos := int64(0), 0; pos+2 <= len(b); i++ {
		n := int(binary.BigEndian.Uint16(b[pos:]))
		if pos+2+n > len(b) {
			return nil, false, fmt.Errorf("entry bundle %s is truncated", s.path(t))
		}
		if i == want {
			return b[pos+2 : pos+2+n], true, nil
		}
		pos += 2 + n
	}
	return nil, false, fmt.Errorf("entry bundle %s has no entry %d", s.path(t), want)
}

func cmdTiles(vkeyFile, dir string, indexArgs []string) error {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return err
	}
	msg, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return err
	}
	c, _, err := openCheckpoint(v, msg, "site checkpoint")
	if err != nil {
		return err
	}
	if c.Size == 0 {
		return errors.New("the site's checkpoint is of an empty tree")
	}
	s := &siteTiles{dir: dir}
	full, err := checkFullTiles(s, c.Size)
	if err != nil {
		return err
	}
	hr := tlog.TileHashReader(tlog.Tree{N: c.Size, Hash: c.Root}, s)
	th, err := tlog.TreeHash(c.Size, hr)
	if err != nil {
		return fmt.Errorf("tlog.TreeHash from the tiles: %v", err)
	}
	if th != c.Root {
		return fmt.Errorf("the tiles give root %x, the checkpoint says %x", th[:], c.Root[:])
	}
	var indexes []int64
	for _, a := range indexArgs {
		i, err := strconv.ParseInt(a, 10, 64)
		if err != nil || i < 0 || i >= c.Size {
			return usageError{fmt.Sprintf("index %q is not below the tree size %d", a, c.Size)}
		}
		indexes = append(indexes, i)
	}
	if len(indexes) == 0 {
		indexes = []int64{0, c.Size / 3, c.Size / 2, c.Size - 1}
	}
	bundles := 0
	for _, i := range indexes {
		proof, err := tlog.ProveRecord(c.Size, i, hr)
		if err != nil {
			return fmt.Errorf("tlog.ProveRecord(%d, %d): %v", c.Size, i, err)
		}
		t0 := tileAt(0, i>>tileHeight, c.Size)
		data, err := s.read(t0)
		if err != nil {
			return err
		}
		leaf, err := tlog.HashFromTile(t0, data, tlog.StoredHashIndex(0, i))
		if err != nil {
			return err
		}
		if entry, ok, err := leafFromBundle(s, c.Size, i); err != nil {
			return err
		} else if ok {
			if tlog.RecordHash(entry) != leaf {
				return fmt.Errorf("entry %d in the entry bundle does not hash to its leaf in the level-0 tile", i)
			}
			bundles++
		}
		if err := tlog.CheckRecord(proof, c.Size, c.Root, i, leaf); err != nil {
			return fmt.Errorf("tlog.CheckRecord(index %d): %v", i, err)
		}
	}
	fmt.Printf("%s full_tiles=%d proved=%d from_bundles=%d\n", c, full, len(indexes), bundles)
	return nil
}
