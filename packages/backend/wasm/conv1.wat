;; A stride-1 2-D correlation with ONE output channel, NHWC, over
;; tfjs-backend-wasm's own heap (the memory is imported):
;;
;;   out[b, y, x] = Σ_{i < fh, j < fw} Σ_{c < C} in[b, y + i − padTop, x + j − padLeft, c] · f[i, j, c]
;;
;; (in zero outside its inH × inW rows and columns; C a multiple of 4). The
;; kernel of src/kernels/conv2d-backprop-input.ts for a conv-transpose to one
;; channel at stride 1 (the last layer of a conv decoder: in = dy, f = the
;; filter rotated 180°), where XNNPACK's convolution is a GEMM with N = 1.
;;
;; For one tap row i, the taps j < fw and channels c < C of an output pixel are
;; fw·C consecutive floats of the input row AND of the filter row, so each tap
;; row is one dot product of n = fw·C/4 float32x4 vectors; pixel x + 1's is the
;; same with the input moved on by C floats. Interior pixels go four at a time
;; ($block): every filter vector is loaded once for four input vectors. A step
;; takes two vectors and adds both products to the pixel's one accumulator
;; (x₀·f + x₁·g first): the add chain waits on one add per step, and the ten
;; loads plus four accumulators fit x64's registers. (Two accumulators per
;; pixel instead: TurboFan schedules all ten loads first and spilled two
;; accumulators, 19 against 25 GFLOP/s on [128, 28, 28, 32] · 3 × 3.) The four
;; sums are reduced together by one 4 × 4 transpose-add into one v128 store. Pixels
;; whose taps reach past the left or right edge ($single) take their row's
;; in-range taps [j0, j1) instead, still one contiguous dot product; the rows
;; past the top or bottom are left out for a whole output row (taps [i0, i1)),
;; so no load is ever bounds-checked.
;;
;; MEMORY is replaced by scripts/build-wasm-kernels.mjs: `(memory 1)` for the
;; single-threaded build, `(memory 1 65536 shared)` for the threaded one.
(module
  (import "env" "memory" MEMORY)

  ;; Four adjacent output pixels: $p is the input address of the first one's
  ;; first in-range tap (tap row i0, column x − padLeft), $q the filter's tap
  ;; (i0, 0); $rows tap rows of $n vectors, $cs bytes from one pixel's taps to
  ;; the next's. Returns the four sums.
  (func $block (param $p i32) (param $q i32) (param $cs i32) (param $rows i32) (param $rowStride i32) (param $fRowStride i32) (param $n i32)
    (result v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $f v128) (local $g v128)
    (local $pp i32) (local $qq i32) (local $end i32) (local $p1 i32) (local $pairs i32) (local $cs2 i32) (local $cs3 i32)
    (local.set $cs2 (i32.shl (local.get $cs) (i32.const 1)))
    (local.set $cs3 (i32.add (local.get $cs2) (local.get $cs)))
    ;; Bytes of the vector pairs in one tap row.
    (local.set $pairs (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 4)))
    (block $rowsDone
      (loop $tapRows
        (br_if $rowsDone (i32.le_s (local.get $rows) (i32.const 0)))
        (local.set $pp (local.get $p))
        (local.set $qq (local.get $q))
        (local.set $end (i32.add (local.get $p) (local.get $pairs)))
        (if (local.get $pairs)
          (then
            (loop $vectors
              (local.set $f (v128.load align=4 (local.get $qq)))
              (local.set $g (v128.load offset=16 align=4 (local.get $qq)))
              (local.set $a0 (f32x4.add (local.get $a0)
                (f32x4.add
                  (f32x4.mul (v128.load align=4 (local.get $pp)) (local.get $f))
                  (f32x4.mul (v128.load offset=16 align=4 (local.get $pp)) (local.get $g)))))
              (local.set $p1 (i32.add (local.get $pp) (local.get $cs)))
              (local.set $a1 (f32x4.add (local.get $a1)
                (f32x4.add
                  (f32x4.mul (v128.load align=4 (local.get $p1)) (local.get $f))
                  (f32x4.mul (v128.load offset=16 align=4 (local.get $p1)) (local.get $g)))))
              (local.set $p1 (i32.add (local.get $pp) (local.get $cs2)))
              (local.set $a2 (f32x4.add (local.get $a2)
                (f32x4.add
                  (f32x4.mul (v128.load align=4 (local.get $p1)) (local.get $f))
                  (f32x4.mul (v128.load offset=16 align=4 (local.get $p1)) (local.get $g)))))
              (local.set $p1 (i32.add (local.get $pp) (local.get $cs3)))
              (local.set $a3 (f32x4.add (local.get $a3)
                (f32x4.add
                  (f32x4.mul (v128.load align=4 (local.get $p1)) (local.get $f))
                  (f32x4.mul (v128.load offset=16 align=4 (local.get $p1)) (local.get $g)))))
              (local.set $pp (i32.add (local.get $pp) (i32.const 32)))
              (local.set $qq (i32.add (local.get $qq) (i32.const 32)))
              (br_if $vectors (i32.lt_u (local.get $pp) (local.get $end))))))
        ;; An odd n: the row's last vector.
        (if (i32.and (local.get $n) (i32.const 1))
          (then
            (local.set $f (v128.load align=4 (local.get $qq)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load align=4 (local.get $pp)) (local.get $f))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (v128.load align=4 (i32.add (local.get $pp) (local.get $cs))) (local.get $f))))
            (local.set $a2 (f32x4.add (local.get $a2)
              (f32x4.mul (v128.load align=4 (i32.add (local.get $pp) (local.get $cs2))) (local.get $f))))
            (local.set $a3 (f32x4.add (local.get $a3)
              (f32x4.mul (v128.load align=4 (i32.add (local.get $pp) (local.get $cs3))) (local.get $f))))))
        (local.set $p (i32.add (local.get $p) (local.get $rowStride)))
        (local.set $q (i32.add (local.get $q) (local.get $fRowStride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $tapRows)))
    ;; Transpose-add: [a0₀ + a0₂, a1₀ + a1₂, a0₁ + a0₃, a1₁ + a1₃], the same for a2, a3,
    ;; then the halves of those: [Σa0, Σa1, Σa2, Σa3].
    (local.set $f
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $g
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $f) (local.get $g))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $f) (local.get $g))))

  ;; One output pixel (the edges): $rows tap rows of $n vectors each, from $p
  ;; (input) and $q (filter); four accumulators.
  (func $single (param $p i32) (param $q i32) (param $rows i32) (param $rowStride i32) (param $fRowStride i32) (param $n i32)
    (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $pp i32) (local $qq i32) (local $end i32) (local $quads i32)
    (local.set $quads (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 4)))
    (block $rowsDone
      (loop $tapRows
        (br_if $rowsDone (i32.le_s (local.get $rows) (i32.const 0)))
        (local.set $pp (local.get $p))
        (local.set $qq (local.get $q))
        (local.set $end (i32.add (local.get $p) (local.get $quads)))
        (if (local.get $quads)
          (then
            (loop $vectors
              (local.set $a0 (f32x4.add (local.get $a0)
                (f32x4.mul (v128.load align=4 (local.get $pp)) (v128.load align=4 (local.get $qq)))))
              (local.set $a1 (f32x4.add (local.get $a1)
                (f32x4.mul (v128.load offset=16 align=4 (local.get $pp)) (v128.load offset=16 align=4 (local.get $qq)))))
              (local.set $a2 (f32x4.add (local.get $a2)
                (f32x4.mul (v128.load offset=32 align=4 (local.get $pp)) (v128.load offset=32 align=4 (local.get $qq)))))
              (local.set $a3 (f32x4.add (local.get $a3)
                (f32x4.mul (v128.load offset=48 align=4 (local.get $pp)) (v128.load offset=48 align=4 (local.get $qq)))))
              (local.set $pp (i32.add (local.get $pp) (i32.const 64)))
              (local.set $qq (i32.add (local.get $qq) (i32.const 64)))
              (br_if $vectors (i32.lt_u (local.get $pp) (local.get $end))))))
        ;; The last n mod 4 vectors of the row.
        (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 4))))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $pp) (local.get $end)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load align=4 (local.get $pp)) (v128.load align=4 (local.get $qq)))))
            (local.set $pp (i32.add (local.get $pp) (i32.const 16)))
            (local.set $qq (i32.add (local.get $qq) (i32.const 16)))
            (br $rest)))
        (local.set $p (i32.add (local.get $p) (local.get $rowStride)))
        (local.set $q (i32.add (local.get $q) (local.get $fRowStride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $tapRows)))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $a0 (f32x4.add (local.get $a0) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a0) (local.get $a0))))
    (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))

  ;; x, f, out: byte offsets of in [batch, inH, inW, C], f [fh, fw, C] and
  ;; out [batch, outH, outW]; padTop and padLeft may be any integers (negative:
  ;; the correlation starts inside the input).
  (func (export "conv1")
    (param $x i32) (param $f i32) (param $out i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $c i32)
    (param $fh i32) (param $fw i32) (param $outH i32) (param $outW i32) (param $padTop i32) (param $padLeft i32)
    (local $cs i32) (local $rowStride i32) (local $fRowStride i32) (local $n i32) (local $xLo i32) (local $xHi i32)
    (local $b i32) (local $y i32) (local $i0 i32) (local $i1 i32) (local $rowBase i32) (local $q0 i32)
    (local $col i32) (local $j0 i32) (local $j1 i32) (local $o i32)
    (local.set $cs (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowStride (i32.mul (local.get $inW) (local.get $cs)))
    (local.set $fRowStride (i32.mul (local.get $fw) (local.get $cs)))
    (local.set $n (i32.shr_u (local.get $fRowStride) (i32.const 4)))
    ;; Pixels x in [xLo, xHi) have every tap column inside the input.
    (local.set $xLo (select (local.get $padLeft) (i32.const 0) (i32.gt_s (local.get $padLeft) (i32.const 0))))
    (local.set $xHi (i32.add (i32.sub (local.get $inW) (local.get $fw)) (i32.add (local.get $padLeft) (i32.const 1))))
    (local.set $xHi (select (local.get $outW) (local.get $xHi) (i32.lt_s (local.get $outW) (local.get $xHi))))
    (local.set $o (local.get $out))
    (block $batchDone
      (loop $images
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $y (i32.const 0))
        (block $rowsDone
          (loop $outRows
            (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $outH)))
            ;; The tap rows inside the input: [i0, i1).
            (local.set $i0 (i32.sub (local.get $padTop) (local.get $y)))
            (local.set $i0 (select (local.get $i0) (i32.const 0) (i32.gt_s (local.get $i0) (i32.const 0))))
            (local.set $i1 (i32.sub (i32.add (local.get $inH) (local.get $padTop)) (local.get $y)))
            (local.set $i1 (select (local.get $fh) (local.get $i1) (i32.lt_s (local.get $fh) (local.get $i1))))
            (local.set $i1 (select (local.get $i0) (local.get $i1) (i32.lt_s (local.get $i1) (local.get $i0))))
            ;; Input address of (b, y + i0 − padTop, −padLeft) (wrapping i32 arithmetic;
            ;; only in-range addresses are read), and the filter's tap row i0.
            (local.set $rowBase
              (i32.add (local.get $x)
                (i32.mul
                  (i32.sub
                    (i32.mul
                      (i32.sub (i32.add (i32.mul (local.get $b) (local.get $inH)) (i32.add (local.get $y) (local.get $i0))) (local.get $padTop))
                      (local.get $inW))
                    (local.get $padLeft))
                  (local.get $cs))))
            (local.set $q0 (i32.add (local.get $f) (i32.mul (local.get $i0) (local.get $fRowStride))))
            (local.set $i1 (i32.sub (local.get $i1) (local.get $i0)))
            (local.set $col (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_s (local.get $col) (local.get $outW)))
                (if (i32.and
                      (i32.ge_s (local.get $col) (local.get $xLo))
                      (i32.le_s (i32.add (local.get $col) (i32.const 4)) (local.get $xHi)))
                  (then
                    (v128.store align=4 (local.get $o)
                      (call $block (i32.add (local.get $rowBase) (i32.mul (local.get $col) (local.get $cs))) (local.get $q0)
                        (local.get $cs) (local.get $i1) (local.get $rowStride) (local.get $fRowStride) (local.get $n)))
                    (local.set $o (i32.add (local.get $o) (i32.const 16)))
                    (local.set $col (i32.add (local.get $col) (i32.const 4))))
                  (else
                    ;; The tap columns inside the input: [j0, j1).
                    (local.set $j0 (i32.sub (local.get $padLeft) (local.get $col)))
                    (local.set $j0 (select (local.get $j0) (i32.const 0) (i32.gt_s (local.get $j0) (i32.const 0))))
                    (local.set $j1 (i32.sub (i32.add (local.get $inW) (local.get $padLeft)) (local.get $col)))
                    (local.set $j1 (select (local.get $fw) (local.get $j1) (i32.lt_s (local.get $fw) (local.get $j1))))
                    (local.set $j1 (select (local.get $j0) (local.get $j1) (i32.lt_s (local.get $j1) (local.get $j0))))
                    (f32.store (local.get $o)
                      (call $single
                        (i32.add (local.get $rowBase) (i32.mul (i32.add (local.get $col) (local.get $j0)) (local.get $cs)))
                        (i32.add (local.get $q0) (i32.mul (local.get $j0) (local.get $cs)))
                        (local.get $i1) (local.get $rowStride) (local.get $fRowStride)
                        (i32.shr_u (i32.mul (i32.sub (local.get $j1) (local.get $j0)) (local.get $c)) (i32.const 2))))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $col (i32.add (local.get $col) (i32.const 1)))))
                (br $cols)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $outRows)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images)))))
