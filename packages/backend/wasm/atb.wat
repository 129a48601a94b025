;; out[M, N] = Σ_k a[k, m] · b[k, n]: the product aᵀ·b of two row-major float32
;; matrices a [K, M] and b [K, N] with K huge and M·N small, over
;; tfjs-backend-wasm's own heap (the memory is imported). The kernel of
;; Conv2DBackpropFilter's im2col path (src/kernels/conv2d-backprop-filter.ts):
;; dW = Pᵀ·dy with the patches P [B·outH·outW, C·fh·fw] and dy [B·outH·outW, O],
;; e.g. K = 100,352, M = 9, N = 32 for the conv VAE's last layer.
;;
;; Why not the wasm BatchMatMul: XNNPACK packs its right operand (dy, 3.2M
;; floats there) as "weights" on every call with a fresh dy, as every training
;; step has: 27 ms for that layer. This kernel reads a and b once from memory.
;;
;; K goes in chunks of 512 rows: a chunk of b (512 × N floats, 64 KB
;; at N = 32) stays in L1/L2 while every block of the output passes over it.
;; A block is 3 rows of M × 8 columns of N: six f32x4 accumulators; per row k
;; two vector loads of b, three splats of a[k, m], six multiply-adds. The
;; accumulators start at zero in every chunk and are added to `out` at its end,
;; so each output is a sum of K/512 partial sums of ≤ 512 terms: float32
;; rounding grows with 512 + K/512 terms, not with K (tests and bench measure
;; it). 9 × 32 at K = 100,352 (M5's last layer) runs in ~2.0 ms with its
;; operands in cache, 29 GFLOP/s on one thread (~3.3 ms on fresh operands).
;; Throw-away variants, same bench: blocks of 4 × 8 (rows past M computed and
;; dropped, 25 % more work at M = 9) 1.2× slower, 2 × 16 and 3 × 16 (spills)
;; 1.05–1.2× slower, the k loop unrolled 2× or 4× 1.2–1.5× slower; chunks of
;; 128–1024 rows within noise of 512; one chunk of all K 1.5× slower and 20×
;; less accurate.
;;
;; Edges: when 3 does not divide M, the last block's rows past M repeat row
;; M − 1 (loads stay inside a) and are not stored. The N mod 8 columns go in
;; blocks of 4 (one vector load) and then 1–3 (lane loads, never past b's end).
;; K = 0 gives zeros.
;;
;; MEMORY is replaced by scripts/build-wasm-kernels.mjs: `(memory 1)` for the
;; single-threaded build, `(memory 1 65536 shared)` for the threaded one.
(module
  (import "env" "memory" MEMORY)

  ;; $w (1–4) floats at $address; the lanes past $w are zero (and never stored).
  (func $loadColumns (param $address i32) (param $w i32) (result v128)
    (local $v v128)
    (if (result v128) (i32.eq (local.get $w) (i32.const 4))
      (then (v128.load align=4 (local.get $address)))
      (else
        (local.set $v (v128.load32_lane 0 (local.get $address) (v128.const i32x4 0 0 0 0)))
        (if (i32.ge_u (local.get $w) (i32.const 2))
          (then (local.set $v (v128.load32_lane offset=4 1 (local.get $address) (local.get $v)))))
        (if (i32.ge_u (local.get $w) (i32.const 3))
          (then (local.set $v (v128.load32_lane offset=8 2 (local.get $address) (local.get $v)))))
        (local.get $v))))

  ;; Adds the first $w (1–4) lanes of $v to the floats at $address.
  (func $addColumns (param $address i32) (param $w i32) (param $v v128)
    (local.set $v (f32x4.add (call $loadColumns (local.get $address) (local.get $w)) (local.get $v)))
    (if (i32.eq (local.get $w) (i32.const 4))
      (then (v128.store align=4 (local.get $address) (local.get $v)))
      (else
        (v128.store32_lane 0 (local.get $address) (local.get $v))
        (if (i32.ge_u (local.get $w) (i32.const 2))
          (then (v128.store32_lane offset=4 1 (local.get $address) (local.get $v))))
        (if (i32.ge_u (local.get $w) (i32.const 3))
          (then (v128.store32_lane offset=8 2 (local.get $address) (local.get $v)))))))

  ;; a, b, out: byte offsets; k, m, n: K, M, N.
  (func (export "atb") (param $a i32) (param $b i32) (param $out i32) (param $k i32) (param $m i32) (param $n i32)
    (local $strideA i32) (local $strideB i32) (local $k0 i32) (local $rows i32) (local $m0 i32) (local $n0 i32) (local $w i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $pa i32) (local $pb i32) (local $end i32) (local $dst i32) (local $left i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $v0 v128) (local $v1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128)
    (local.set $strideA (i32.shl (local.get $m) (i32.const 2)))
    (local.set $strideB (i32.shl (local.get $n) (i32.const 2)))
    ;; out = 0 (a loop: binaryen's inlining pass here does not take memory.fill).
    (local.set $dst (local.get $out))
    (local.set $end (i32.add (local.get $out) (i32.mul (local.get $m) (local.get $strideB))))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $zero)))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $k0) (local.get $k)))
        (local.set $rows (i32.sub (local.get $k) (local.get $k0)))
        (if (i32.gt_u (local.get $rows) (i32.const 512)) (then (local.set $rows (i32.const 512))))
        (local.set $m0 (i32.const 0))
        (block $rowBlocksDone
          (loop $rowBlocks
            (br_if $rowBlocksDone (i32.ge_u (local.get $m0) (local.get $m)))
            ;; Byte offsets of the block's three columns of a, past M clamped to M − 1.
            (local.set $o0 (i32.shl (local.get $m0) (i32.const 2)))
            (local.set $o1 (i32.add (local.get $o0) (i32.const 4)))
            (local.set $o2 (i32.add (local.get $o0) (i32.const 8)))
            (local.set $end (i32.sub (local.get $strideA) (i32.const 4)))
            (local.set $o1 (select (local.get $o1) (local.get $end) (i32.lt_u (local.get $o1) (local.get $strideA))))
            (local.set $o2 (select (local.get $o2) (local.get $end) (i32.lt_u (local.get $o2) (local.get $strideA))))
            (local.set $n0 (i32.const 0))
            (block $columnBlocksDone
              (loop $columnBlocks
                (br_if $columnBlocksDone (i32.ge_u (local.get $n0) (local.get $n)))
                (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $k0) (local.get $strideA))))
                (local.set $pb
                  (i32.add
                    (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $strideB)))
                    (i32.shl (local.get $n0) (i32.const 2))))
                (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $rows) (local.get $strideB))))
                (local.set $c00 (v128.const i32x4 0 0 0 0))
                (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c10 (v128.const i32x4 0 0 0 0))
                (local.set $c11 (v128.const i32x4 0 0 0 0))
                (local.set $c20 (v128.const i32x4 0 0 0 0))
                (local.set $c21 (v128.const i32x4 0 0 0 0))
                (local.set $w (i32.sub (local.get $n) (local.get $n0)))
                (if (i32.ge_u (local.get $w) (i32.const 8))
                  (then
                    (local.set $w (i32.const 8))
                    ;; 3 rows × 8 columns.
                    (loop $k8
                      (local.set $v0 (v128.load align=4 (local.get $pb)))
                      (local.set $v1 (v128.load offset=16 align=4 (local.get $pb)))
                      (local.set $s0 (v128.load32_splat (i32.add (local.get $pa) (local.get $o0))))
                      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s0) (local.get $v0))))
                      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s0) (local.get $v1))))
                      (local.set $s1 (v128.load32_splat (i32.add (local.get $pa) (local.get $o1))))
                      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s1) (local.get $v0))))
                      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s1) (local.get $v1))))
                      (local.set $s2 (v128.load32_splat (i32.add (local.get $pa) (local.get $o2))))
                      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s2) (local.get $v0))))
                      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s2) (local.get $v1))))
                      (local.set $pa (i32.add (local.get $pa) (local.get $strideA)))
                      (local.set $pb (i32.add (local.get $pb) (local.get $strideB)))
                      (br_if $k8 (i32.lt_u (local.get $pb) (local.get $end)))))
                  (else
                    ;; 3 rows × 4 columns, or the last 1–3.
                    (if (i32.gt_u (local.get $w) (i32.const 4)) (then (local.set $w (i32.const 4))))
                    (loop $k4
                      (local.set $v0 (call $loadColumns (local.get $pb) (local.get $w)))
                      (local.set $s0 (v128.load32_splat (i32.add (local.get $pa) (local.get $o0))))
                      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s0) (local.get $v0))))
                      (local.set $s1 (v128.load32_splat (i32.add (local.get $pa) (local.get $o1))))
                      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s1) (local.get $v0))))
                      (local.set $s2 (v128.load32_splat (i32.add (local.get $pa) (local.get $o2))))
                      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s2) (local.get $v0))))
                      (local.set $pa (i32.add (local.get $pa) (local.get $strideA)))
                      (local.set $pb (i32.add (local.get $pb) (local.get $strideB)))
                      (br_if $k4 (i32.lt_u (local.get $pb) (local.get $end))))))
                ;; The chunk's partial sums into out, rows below M only.
                (local.set $dst (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $m0) (local.get $n)) (local.get $n0)) (i32.const 2))))
                (local.set $left (i32.sub (local.get $m) (local.get $m0)))
                (call $addRow (local.get $dst) (local.get $w) (local.get $c00) (local.get $c01))
                (if (i32.ge_u (local.get $left) (i32.const 2))
                  (then (call $addRow (i32.add (local.get $dst) (local.get $strideB)) (local.get $w) (local.get $c10) (local.get $c11))))
                (if (i32.ge_u (local.get $left) (i32.const 3))
                  (then
                    (call $addRow
                      (i32.add (local.get $dst) (i32.shl (local.get $strideB) (i32.const 1))) (local.get $w) (local.get $c20) (local.get $c21))))
                (local.set $n0 (i32.add (local.get $n0) (local.get $w)))
                (br $columnBlocks)))
            (local.set $m0 (i32.add (local.get $m0) (i32.const 3)))
            (br $rowBlocks)))
        (local.set $k0 (i32.add (local.get $k0) (local.get $rows)))
        (br $chunks))))

  ;; Adds a block row's partial sums to out: 8 columns ($lo, $hi), else the first $w (1–4) of $lo.
  (func $addRow (param $address i32) (param $w i32) (param $lo v128) (param $hi v128)
    (if (i32.eq (local.get $w) (i32.const 8))
      (then
        (v128.store align=4 (local.get $address) (f32x4.add (v128.load align=4 (local.get $address)) (local.get $lo)))
        (v128.store offset=16 align=4 (local.get $address)
          (f32x4.add (v128.load offset=16 align=4 (local.get $address)) (local.get $hi))))
      (else (call $addColumns (local.get $address) (local.get $w) (local.get $lo))))))
