;; tanh of float32 tensors, four lanes at a time, over tfjs-backend-wasm's own
;; heap (the memory is imported). The wasm backend's `Tanh` kernel
;; (src/kernels/tanh.ts); tfjs-backend-wasm 4.22's own calls the scalar C tanhf
;; per element (~16 ns each here, ~10 % of a dense-VAE training step).
;;
;; Cephes' single-precision tanhf, as in sse_mathfun:
;;   |x| < 0.625: x + x·x²·P(x²)          (odd polynomial, no cancellation near 0)
;;   otherwise:   sign(x)·(1 − 2/(e^(2|x|) + 1)), with |x| clamped to 9.5 (tanh(9.5) rounds to 1)
;; and Cephes' expf: e^y = 2^n·e^r, n = round(y/ln 2), r = y − n·ln 2 (ln 2 in two
;; parts), e^r by a degree-5 polynomial. Within a few ulp of the true tanh
;; (tested); NaN in gives NaN out.
;;
;; MEMORY is replaced by scripts/build-wasm-kernels.mjs: `(memory 1)` for the
;; single-threaded build, `(memory 1 65536 shared)` for the threaded one.
(module
  (import "env" "memory" MEMORY)

  ;; Constants as globals: V8 rebuilds an inline v128.const at every use.
  (global $ONE v128 (v128.const f32x4 1 1 1 1))
  (global $TWO v128 (v128.const f32x4 2 2 2 2))
  (global $HALF v128 (v128.const f32x4 0.5 0.5 0.5 0.5))
  (global $SMALL v128 (v128.const f32x4 0.625 0.625 0.625 0.625))
  (global $CLAMP v128 (v128.const f32x4 9.5 9.5 9.5 9.5))
  (global $SIGN v128 (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
  (global $T0 v128 (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
  (global $T1 v128 (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2))
  (global $T2 v128 (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2))
  (global $T3 v128 (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1))
  (global $T4 v128 (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1))
  (global $LOG2E v128 (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
  (global $LN2_HIGH v128 (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
  (global $LN2_LOW v128 (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
  (global $E0 v128 (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
  (global $E1 v128 (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3))
  (global $E2 v128 (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3))
  (global $E3 v128 (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2))
  (global $E4 v128 (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1))
  (global $E5 v128 (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1))
  (global $EXPONENT_BIAS v128 (v128.const i32x4 127 127 127 127))

  ;; e^y for 0 ≤ y ≤ 18 (so 2^n stays a normal number).
  (func $exp (param $y v128) (result v128)
    (local $n v128) (local $r v128) (local $z v128) (local $p v128)
    (local.set $n (f32x4.floor (f32x4.add (f32x4.mul (local.get $y) (global.get $LOG2E)) (global.get $HALF))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $y) (f32x4.mul (local.get $n) (global.get $LN2_HIGH)))
        (f32x4.mul (local.get $n) (global.get $LN2_LOW))))
    (local.set $z (f32x4.mul (local.get $r) (local.get $r)))
    (local.set $p (global.get $E0))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (global.get $E1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (global.get $E2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (global.get $E3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (global.get $E4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (global.get $E5)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (local.get $r)) (global.get $ONE)))
    ;; × 2^n, built in the exponent bits.
    (f32x4.mul
      (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (global.get $EXPONENT_BIAS)) (i32.const 23))))

  (func $tanh (param $x v128) (result v128)
    (local $a v128) (local $z v128) (local $small v128) (local $large v128)
    (local.set $a (f32x4.abs (local.get $x)))
    ;; Small |x|: the odd polynomial.
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $small (global.get $T0))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z)) (global.get $T1)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z)) (global.get $T2)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z)) (global.get $T3)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z)) (global.get $T4)))
    (local.set $small
      (f32x4.add (f32x4.mul (f32x4.mul (local.get $small) (local.get $z)) (local.get $x)) (local.get $x)))
    ;; Large |x|: 1 − 2/(e^(2|x|) + 1) with |x| ≤ 9.5.
    (local.set $large
      (f32x4.sub
        (global.get $ONE)
        (f32x4.div
          (global.get $TWO)
          (f32x4.add (call $exp (f32x4.mul (f32x4.pmin (local.get $a) (global.get $CLAMP)) (global.get $TWO))) (global.get $ONE)))))
    ;; NaN fails |x| < 0.625 and takes the large branch, where pmin(NaN, 9) = NaN keeps it NaN.
    ;; Then x's sign on either branch (tanh is odd; this also keeps tanh(−0) = −0).
    (v128.or
      (v128.andnot
        (v128.bitselect (local.get $small) (local.get $large) (f32x4.lt (local.get $a) (global.get $SMALL)))
        (global.get $SIGN))
      (v128.and (local.get $x) (global.get $SIGN))))

  ;; n elements at byte offset $x → $y.
  (func (export "tanh") (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $end i32) (local $at i32) (local $rest i32) (local $v v128)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (v128.store align=4 (i32.add (local.get $y) (local.get $at))
          (call $tanh (v128.load align=4 (i32.add (local.get $x) (local.get $at)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vector)))
    ;; The last n mod 4 elements, lane by lane, through the same vector code.
    (local.set $rest (i32.sub (local.get $n) (local.get $end)))
    (if (i32.eqz (local.get $rest)) (then (return)))
    (local.set $at (i32.shl (local.get $end) (i32.const 2)))
    (local.set $v (v128.load32_lane 0 (i32.add (local.get $x) (local.get $at)) (v128.const f32x4 0 0 0 0)))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (local.set $v (v128.load32_lane offset=4 1 (i32.add (local.get $x) (local.get $at)) (local.get $v)))))
    (if (i32.ge_u (local.get $rest) (i32.const 3))
      (then (local.set $v (v128.load32_lane offset=8 2 (i32.add (local.get $x) (local.get $at)) (local.get $v)))))
    (local.set $v (call $tanh (local.get $v)))
    (v128.store32_lane 0 (i32.add (local.get $y) (local.get $at)) (local.get $v))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (v128.store32_lane offset=4 1 (i32.add (local.get $y) (local.get $at)) (local.get $v))))
    (if (i32.ge_u (local.get $rest) (i32.const 3))
      (then (v128.store32_lane offset=8 2 (i32.add (local.get $y) (local.get $at)) (local.get $v))))))
