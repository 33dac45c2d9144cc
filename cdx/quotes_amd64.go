//go:build amd64

package cdx

import "unsafe"

// scan is scanGo, faster: fastScan, which returns 2 if the processor
// lacks BMI1 (those from 2013 on have it).
func (f *fastFields) scan(js []byte) int { return fastScan(unsafe.SliceData(js), len(js), f) }

// useBMI1 and useAVX2 enable fastScan and its AVX2 loop.
var useBMI1, useAVX2 = cpuid()

// fastScan is scan for the n bytes at js.
//
//go:noescape
func fastScan(js *byte, n int, f *fastFields) int

func cpuid() (bmi1, avx2 bool)

// The assembly knows fastFields' layout and maxFastJSON.
const (
	_ = -uint(maxFastJSON ^ 8192)
	_ = -uint(unsafe.Offsetof(fastFields{}.start) ^ 0)
	_ = -uint(unsafe.Offsetof(fastFields{}.end) ^ 64)
	_ = -uint(unsafe.Offsetof(fastFields{}.n) ^ 128)
	_ = -uint(unsafe.Offsetof(fastFields{}.words) ^ 144)
)
