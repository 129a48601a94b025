;; Binary cross-entropy on probabilities, forward and ∂/∂p in one pass, four
;; float32 lanes at a time, over tfjs-backend-wasm's own heap (the memory is
;; imported). The kernel 'AekitBinaryCrossEntropy' (src/kernels/binary-cross-entropy.ts).
;;
;; Per element, the arithmetic of @aekit/losses' bce, in its order. Clipped (mode 0):
;;   c = min(max(p, lo), hi)                 (tfjs clipByValue(p, ε, 1 − ε))
;;   value = t·log(c) + (1 − t)·log(1 − c)   (the loss is −value, negated after the reduction)
;;   grad  = ((1 − t)/(1 − c) − t/c) · [p == c]   (0 where the clip saturates; NaN stays NaN)
;; ε inside the logs (mode 1, `epsilonMode: 'add'`, lo = ε):
;;   a = p + ε, b = (1 − p) + ε; value = t·log(a) + (1 − t)·log(b); grad = (1 − t)/b − t/a
;; log is Cephes' single-precision logf (as in sse_mathfun's log_ps): within
;; 2 ulp of the true log for positive normal numbers (all the clip leaves);
;; mode 1 also takes what p + ε may be outside [0, 1]: log 0 = −∞, log of a
;; negative = NaN, subnormals scaled into range, log ∞ = ∞. NaN in, NaN out.
;;
;; MEMORY is replaced by scripts/build-wasm-kernels.mjs: `(memory 1)` for the
;; single-threaded build, `(memory 1 65536 shared)` for the threaded one.
(module
  (import "env" "memory" MEMORY)

  ;; Constants as globals: V8 rebuilds an inline v128.const at every use (measured: 18 % slower).
  (global $EXPONENT_BIAS v128 (v128.const i32x4 126 126 126 126))
  (global $MANTISSA_MASK v128 (v128.const i32x4 0x807fffff 0x807fffff 0x807fffff 0x807fffff))
  (global $HALF_EXPONENT v128 (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
  (global $SQRT_HALF v128 (v128.const f32x4 0.707106781186547524 0.707106781186547524 0.707106781186547524 0.707106781186547524))
  (global $ONE v128 (v128.const f32x4 1 1 1 1))
  (global $P0 v128 (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))
  (global $P1 v128 (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1))
  (global $P2 v128 (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1))
  (global $P3 v128 (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1))
  (global $P4 v128 (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1))
  (global $P5 v128 (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1))
  (global $P6 v128 (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1))
  (global $P7 v128 (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1))
  (global $P8 v128 (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1))
  (global $LN2_LOW v128 (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
  (global $HALF v128 (v128.const f32x4 0.5 0.5 0.5 0.5))
  (global $MIN_NORMAL v128 (v128.const f32x4 1.17549435e-38 1.17549435e-38 1.17549435e-38 1.17549435e-38))
  (global $TWO_POW_24 v128 (v128.const f32x4 16777216 16777216 16777216 16777216))
  (global $LN_TWO_POW_24 v128 (v128.const f32x4 16.635532333438686 16.635532333438686 16.635532333438686 16.635532333438686))
  (global $INF v128 (v128.const f32x4 inf inf inf inf))
  (global $NEG_INF v128 (v128.const f32x4 -inf -inf -inf -inf))
  (global $NAN v128 (v128.const f32x4 nan nan nan nan))
  (global $LN2_HIGH v128 (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))

  (func $log (param $x v128) (result v128)
    (local $e v128) (local $m v128) (local $mask v128) (local $z v128) (local $y v128) (local $ef v128)
    ;; x = m·2^e with m in [0.5, 1): the exponent bits, and the mantissa with exponent −1.
    (local.set $e (i32x4.sub (i32x4.shr_u (local.get $x) (i32.const 23)) (global.get $EXPONENT_BIAS)))
    (local.set $m
      (v128.or
        (v128.and (local.get $x) (global.get $MANTISSA_MASK))
        (global.get $HALF_EXPONENT)))
    ;; m < √½: use 2m − 1 and e − 1, so the polynomial's argument stays in [√½ − 1, √2 − 1).
    (local.set $mask (f32x4.lt (local.get $m) (global.get $SQRT_HALF)))
    (local.set $e (i32x4.add (local.get $e) (local.get $mask)))
    (local.set $m
      (f32x4.add
        (f32x4.sub (local.get $m) (global.get $ONE))
        (v128.and (local.get $m) (local.get $mask))))
    (local.set $ef (f32x4.convert_i32x4_s (local.get $e)))
    (local.set $z (f32x4.mul (local.get $m) (local.get $m)))
    (local.set $y (global.get $P0))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P4)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P5)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P6)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P7)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (global.get $P8)))
    (local.set $y (f32x4.mul (f32x4.mul (local.get $y) (local.get $m)) (local.get $z)))
    ;; ln 2 split in two (q1 + q2) so that e·ln 2 adds without losing the low bits.
    (local.set $y (f32x4.add (local.get $y) (f32x4.mul (local.get $ef) (global.get $LN2_LOW))))
    (local.set $y (f32x4.sub (local.get $y) (f32x4.mul (local.get $z) (global.get $HALF))))
    (local.set $y
      (f32x4.add
        (f32x4.add (local.get $m) (local.get $y))
        (f32x4.mul (local.get $ef) (global.get $LN2_HIGH))))
    ;; NaN lanes (x ≠ x) pass through.
    (v128.bitselect (local.get $x) (local.get $y) (f32x4.ne (local.get $x) (local.get $x))))

  ;; log of any float32 (mode 1's arguments are not clipped).
  (func $logAny (param $x v128) (result v128)
    (local $tiny v128) (local $y v128)
    ;; Subnormals (and 0 and negatives, fixed below) scaled by 2^24 into the normal range.
    (local.set $tiny (f32x4.lt (local.get $x) (global.get $MIN_NORMAL)))
    (local.set $y
      (call $log (v128.bitselect (f32x4.mul (local.get $x) (global.get $TWO_POW_24)) (local.get $x) (local.get $tiny))))
    (local.set $y (f32x4.sub (local.get $y) (v128.and (local.get $tiny) (global.get $LN_TWO_POW_24))))
    (local.set $y (v128.bitselect (global.get $NEG_INF) (local.get $y) (f32x4.eq (local.get $x) (v128.const f32x4 0 0 0 0))))
    (local.set $y (v128.bitselect (global.get $NAN) (local.get $y) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))
    (v128.bitselect (global.get $INF) (local.get $y) (f32x4.eq (local.get $x) (global.get $INF))))

  ;; Mode 1: value and ∂/∂p of four elements with ε inside the logs.
  (func $bceAdd4 (param $t v128) (param $p v128) (param $eps v128) (result v128 v128)
    (local $a v128) (local $b v128) (local $s v128)
    (local.set $a (f32x4.add (local.get $p) (local.get $eps)))
    (local.set $b (f32x4.add (f32x4.sub (global.get $ONE) (local.get $p)) (local.get $eps)))
    (local.set $s (f32x4.sub (global.get $ONE) (local.get $t)))
    (f32x4.add
      (f32x4.mul (local.get $t) (call $logAny (local.get $a)))
      (f32x4.mul (local.get $s) (call $logAny (local.get $b))))
    (f32x4.sub (f32x4.div (local.get $s) (local.get $b)) (f32x4.div (local.get $t) (local.get $a))))

  ;; Mode 0: value and ∂/∂p of four elements. The clip uses pmax/pmin (one x86 instruction
  ;; each, where min/max's NaN rules take several); in this argument order a NaN p
  ;; still comes out NaN: pmax(p, lo) = p < lo ? lo : p, pmin(c, hi) = hi < c ? hi : c.
  (func $bce4 (param $t v128) (param $p v128) (param $lo v128) (param $hi v128) (result v128 v128)
    (local $c v128) (local $s v128) (local $u v128)
    (local.set $c (f32x4.pmin (f32x4.pmax (local.get $p) (local.get $lo)) (local.get $hi)))
    (local.set $s (f32x4.sub (global.get $ONE) (local.get $t)))
    (local.set $u (f32x4.sub (global.get $ONE) (local.get $c)))
    (f32x4.add
      (f32x4.mul (local.get $t) (call $log (local.get $c)))
      (f32x4.mul (local.get $s) (call $log (local.get $u))))
    ;; × 1.0 inside the clip, × 0.0 outside: a multiply, not a mask, so NaN stays NaN.
    (f32x4.mul
      (f32x4.sub (f32x4.div (local.get $s) (local.get $u)) (f32x4.div (local.get $t) (local.get $c)))
      (v128.and (f32x4.eq (local.get $p) (local.get $c)) (global.get $ONE))))

  ;; The last n mod 4 (1–3) floats at $address, one lane at a time (no read
  ;; past the tensor's end); the other lanes from $fill.
  (func $loadTail (param $address i32) (param $rest i32) (param $fill v128) (result v128)
    (local.set $fill (v128.load32_lane 0 (local.get $address) (local.get $fill)))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (local.set $fill (v128.load32_lane offset=4 1 (local.get $address) (local.get $fill)))))
    (if (i32.ge_u (local.get $rest) (i32.const 3))
      (then (local.set $fill (v128.load32_lane offset=8 2 (local.get $address) (local.get $fill)))))
    (local.get $fill))

  ;; Stores the first $rest (1–3) lanes of $v at $address.
  (func $storeTail (param $address i32) (param $rest i32) (param $v v128)
    (v128.store32_lane 0 (local.get $address) (local.get $v))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (v128.store32_lane offset=4 1 (local.get $address) (local.get $v))))
    (if (i32.ge_u (local.get $rest) (i32.const 3))
      (then (v128.store32_lane offset=8 2 (local.get $address) (local.get $v)))))

  ;; n elements of t and p (byte offsets) → value (and, if $grad ≠ 0, ∂/∂p);
  ;; mode 0 clips to [lo, hi], mode 1 adds lo inside the logs. Four lanes per
  ;; step; the last step takes the n mod 4 elements left (the unused lanes hold
  ;; t = 0, p = ½) through the same vector code. scripts/build-wasm-kernels.mjs
  ;; inlines every helper at its call site (V8 does not inline wasm calls), so
  ;; one call site per formula keeps the module under 4 KB
  ;; (src/kernels/own-wasm-module.ts).
  (func (export "bce")
    (param $t i32) (param $p i32) (param $value i32) (param $grad i32) (param $n i32) (param $lo f32) (param $hi f32) (param $mode i32)
    (local $i i32) (local $at i32) (local $rest i32)
    (local $LO v128) (local $HI v128) (local $tv v128) (local $pv v128) (local $v v128) (local $g v128)
    (local.set $LO (f32x4.splat (local.get $lo)))
    (local.set $HI (f32x4.splat (local.get $hi)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $rest (i32.sub (local.get $n) (local.get $i)))
        (if (i32.ge_u (local.get $rest) (i32.const 4))
          (then
            (local.set $tv (v128.load align=4 (i32.add (local.get $t) (local.get $at))))
            (local.set $pv (v128.load align=4 (i32.add (local.get $p) (local.get $at)))))
          (else
            (local.set $tv (call $loadTail (i32.add (local.get $t) (local.get $at)) (local.get $rest) (v128.const f32x4 0 0 0 0)))
            (local.set $pv (call $loadTail (i32.add (local.get $p) (local.get $at)) (local.get $rest) (global.get $HALF)))))
        (if (result v128 v128) (local.get $mode)
          (then (call $bceAdd4 (local.get $tv) (local.get $pv) (local.get $LO)))
          (else (call $bce4 (local.get $tv) (local.get $pv) (local.get $LO) (local.get $HI))))
        (local.set $g)
        (local.set $v)
        (if (i32.ge_u (local.get $rest) (i32.const 4))
          (then
            (v128.store align=4 (i32.add (local.get $value) (local.get $at)) (local.get $v))
            (if (local.get $grad) (then (v128.store align=4 (i32.add (local.get $grad) (local.get $at)) (local.get $g)))))
          (else
            (call $storeTail (i32.add (local.get $value) (local.get $at)) (local.get $rest) (local.get $v))
            (if (local.get $grad) (then (call $storeTail (i32.add (local.get $grad) (local.get $at)) (local.get $rest) (local.get $g))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vector)))))
