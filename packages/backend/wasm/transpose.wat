;; Swaps the outer and the inner axis of a float32 tensor in tfjs-backend-wasm's
;; own heap (the memory is imported): x viewed as [A, S, C] → y [C, S, A], that
;; is, for each middle index s, an A × C matrix (rows S·C floats apart) written
;; transposed as C × A (rows S·A floats apart). src/kernels/swap-outer-and-inner.ts
;; calls it for the matmul fast path's transposed operands (S = 1) and for the
;; [B, H, W, C] → [C, H, W, B] input of Conv2DBackpropFilter.
;;
;; 4 × 4 blocks: four rows of four floats in, eight shuffles, four columns out
;; (every value moves as raw bits, so the output is exact, NaN payloads too).
;; Blocks go in tiles of 32 rows of x: each step of a tile writes 32
;; consecutive floats (two whole 64-byte cache lines) to each of four rows of
;; y, while the 32 rows of x it reads advance by 16 bytes. Against 16-row tiles
;; (bench, one thread): [512, 784] 0.11 → 0.08 ms, the conv-VAE's
;; [128, 196, 64] 0.51 → 0.41 ms; without tiles, rows of y a multiple of 512
;; bytes apart alias in the cache ([256, 784] 0.18 ms against 0.03). The rows
;; left under the tiles go four at a time; the rows and columns the 4 × 4
;; blocks leave (A mod 4, C mod 4) are copied one float at a time.
;;
;; MEMORY is replaced by scripts/build-wasm-kernels.mjs: `(memory 1)` for the
;; single-threaded build, `(memory 1 65536 shared)` for the threaded one.
(module
  (import "env" "memory" MEMORY)

  ;; The 4 × 4 block at $src (rows $srcStride bytes apart), transposed to $dst
  ;; (rows $dstStride bytes apart).
  (func $block (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $lo v128) (local $hi v128)
    (local.set $r0 (v128.load align=4 (local.get $src)))
    (local.set $r1 (v128.load align=4 (i32.add (local.get $src) (local.get $srcStride))))
    (local.set $src (i32.add (local.get $src) (i32.shl (local.get $srcStride) (i32.const 1))))
    (local.set $r2 (v128.load align=4 (local.get $src)))
    (local.set $r3 (v128.load align=4 (i32.add (local.get $src) (local.get $srcStride))))
    ;; Interleave the rows pairwise (x64: unpcklps / unpckhps):
    ;; r0 = a0 a1 a2 a3, r1 = b0 b1 b2 b3 → a0 b0 a1 b1 and a2 b2 a3 b3; likewise r2, r3 → c, d.
    (local.set $lo (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $hi (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $r0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $r1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    ;; Then the 64-bit halves (movlhps / movhlps): column j = a_j b_j c_j d_j.
    (v128.store align=4 (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $r0)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
    (v128.store align=4 (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo) (local.get $r0)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
    (v128.store align=4 (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hi) (local.get $r1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
    (v128.store align=4 (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hi) (local.get $r1))))

  ;; Rows [a0, a1) × columns [c0, c1) of one matrix, one float at a time (as
  ;; i32, a plain bit copy).
  (func $scalar (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (param $a0 i32) (param $a1 i32) (param $c0 i32) (param $c1 i32)
    (local $a i32) (local $c i32) (local $from i32) (local $to i32)
    (if (i32.ge_u (local.get $c0) (local.get $c1)) (then (return)))
    (local.set $a (local.get $a0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $a) (local.get $a1)))
        (local.set $from (i32.add (i32.add (local.get $src) (i32.mul (local.get $a) (local.get $srcStride))) (i32.shl (local.get $c0) (i32.const 2))))
        (local.set $to (i32.add (i32.add (local.get $dst) (i32.mul (local.get $c0) (local.get $dstStride))) (i32.shl (local.get $a) (i32.const 2))))
        (local.set $c (local.get $c0))
        (loop $columns
          (i32.store (local.get $to) (i32.load (local.get $from)))
          (local.set $from (i32.add (local.get $from) (i32.const 4)))
          (local.set $to (i32.add (local.get $to) (local.get $dstStride)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $columns (i32.lt_u (local.get $c) (local.get $c1))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $rows))))

  ;; x, y: byte offsets; outer, middle, inner: A, S, C.
  (func (export "swap") (param $x i32) (param $y i32) (param $outer i32) (param $middle i32) (param $inner i32)
    (local $srcStride i32) (local $dstStride i32) (local $tiled i32) (local $blocked i32) (local $columns i32)
    (local $s i32) (local $src i32) (local $dst i32) (local $a i32) (local $from i32) (local $to i32) (local $fromEnd i32)
    (local.set $srcStride (i32.shl (i32.mul (local.get $middle) (local.get $inner)) (i32.const 2)))
    (local.set $dstStride (i32.shl (i32.mul (local.get $middle) (local.get $outer)) (i32.const 2)))
    (local.set $tiled (i32.and (local.get $outer) (i32.const -32)))
    (local.set $blocked (i32.and (local.get $outer) (i32.const -4)))
    ;; Bytes of one row of x that the 4 × 4 blocks cover.
    (local.set $columns (i32.shl (i32.and (local.get $inner) (i32.const -4)) (i32.const 2)))
    (block $planesDone
      (loop $planes
        (br_if $planesDone (i32.ge_u (local.get $s) (local.get $middle)))
        (local.set $src (i32.add (local.get $x) (i32.shl (i32.mul (local.get $s) (local.get $inner)) (i32.const 2))))
        (local.set $dst (i32.add (local.get $y) (i32.shl (i32.mul (local.get $s) (local.get $outer)) (i32.const 2))))
        (if (local.get $columns)
          (then
            (local.set $a (i32.const 0))
            ;; Tiles of 32 rows: eight blocks one under the other per step.
            (block $tilesDone
              (loop $tiles
                (br_if $tilesDone (i32.ge_u (local.get $a) (local.get $tiled)))
                (local.set $from (i32.add (local.get $src) (i32.mul (local.get $a) (local.get $srcStride))))
                (local.set $fromEnd (i32.add (local.get $from) (local.get $columns)))
                (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $a) (i32.const 2))))
                (loop $steps
                  (call $block (local.get $from) (local.get $srcStride) (local.get $to) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 4))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 16)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 8))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 32)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 12))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 48)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 16))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 64)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 20))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 80)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 24))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 96)) (local.get $dstStride))
                  (call $block
                    (i32.add (local.get $from) (i32.mul (local.get $srcStride) (i32.const 28))) (local.get $srcStride)
                    (i32.add (local.get $to) (i32.const 112)) (local.get $dstStride))
                  (local.set $from (i32.add (local.get $from) (i32.const 16)))
                  (local.set $to (i32.add (local.get $to) (i32.shl (local.get $dstStride) (i32.const 2))))
                  (br_if $steps (i32.lt_u (local.get $from) (local.get $fromEnd))))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (br $tiles)))
            ;; The rows left after the tiles, four at a time.
            (block $quadsDone
              (loop $quads
                (br_if $quadsDone (i32.ge_u (local.get $a) (local.get $blocked)))
                (local.set $from (i32.add (local.get $src) (i32.mul (local.get $a) (local.get $srcStride))))
                (local.set $fromEnd (i32.add (local.get $from) (local.get $columns)))
                (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $a) (i32.const 2))))
                (loop $steps
                  (call $block (local.get $from) (local.get $srcStride) (local.get $to) (local.get $dstStride))
                  (local.set $from (i32.add (local.get $from) (i32.const 16)))
                  (local.set $to (i32.add (local.get $to) (i32.shl (local.get $dstStride) (i32.const 2))))
                  (br_if $steps (i32.lt_u (local.get $from) (local.get $fromEnd))))
                (local.set $a (i32.add (local.get $a) (i32.const 4)))
                (br $quads)))))
        ;; The columns right of the blocks, then the rows under them.
        (call $scalar (local.get $src) (local.get $srcStride) (local.get $dst) (local.get $dstStride)
          (i32.const 0) (local.get $blocked) (i32.shr_u (local.get $columns) (i32.const 2)) (local.get $inner))
        (call $scalar (local.get $src) (local.get $srcStride) (local.get $dst) (local.get $dstStride)
          (local.get $blocked) (local.get $outer) (i32.const 0) (local.get $inner))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $planes)))))
