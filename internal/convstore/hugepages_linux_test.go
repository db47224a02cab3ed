package convstore

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestAdviseHuge checks, where the kernel has transparent huge pages, that
// the index's slots are advised to use them: the mapping of the 2 MiB
// page inside the slots carries the "hg" flag (/proc/self/smaps). Slices
// too small to hold a whole huge page are left alone, without error.
func TestAdviseHuge(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages:", err)
	}
	adviseHuge([]convSlot(nil))
	adviseHuge(make([]convSlot, 3))
	s := newSlots(1 << 18) // 5 MiB: two huge pages at least
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	inside := (start + hugePage - 1) &^ (hugePage - 1)
	flags, err := mappingFlags(inside)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the slots' mapping has flags %q, want hg among them", flags)
	}
	s[len(s)-1].seq = 1 // still usable
}

// mappingFlags returns the VmFlags of the mapping holding addr.
func mappingFlags(addr uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x", &lo, &hi); n == 2 && strings.Contains(line[:strings.IndexByte(line, ' ')], "-") {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("no mapping holds %#x", addr)
}
