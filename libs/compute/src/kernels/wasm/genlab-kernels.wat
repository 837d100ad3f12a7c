;; genlab's own wasm kernels. They run on the heap of tfjs' wasm backend: the module imports
;; that backend's WebAssembly.Memory, and tensors are passed as byte offsets into it.
;; Compiled into genlab-kernels.wasm.ts by `node libs/compute/scripts/build-wasm-kernels.mjs`.
(module
  (import "env" "memory" (memory 0))

  ;; One Adam step over n float32 values (PyTorch's rule, rearranged as in adam-update.kernel.ts):
  ;;   m' = β1·m + (1−β1)·g,  v' = β2·v + (1−β2)·g·g,  p' = p − stepSize·m' / (√v' + ε)
  ;; computed in float64 from the float32 inputs and rounded to float32 on store, operation by
  ;; operation as the JS loop it replaces (so both give the same bits). An all-float32 version
  ;; was tried first: per update it agreed to 1e-6, but RealNVP on ring8 trained to clearly
  ;; worse KLs with it over a dozen seeds, so the arithmetic stays float64.
  ;; Reads p, m, v, g; writes p', m', v' (new buffers, which may not overlap the inputs).
  ;; Two lanes at a time (wasm SIMD f64x2), then a last odd value alone.
  (func (export "adam_update")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32)
    (param $p_out i32) (param $m_out i32) (param $v_out i32) (param $n i32)
    (param $beta1 f64) (param $beta2 f64) (param $step_size f64) (param $epsilon f64)
    (local $offset i32) (local $end2 i32) (local $end i32)
    (local $b1 v128) (local $b2 v128) (local $c1 v128) (local $c2 v128) (local $lr v128) (local $eps v128)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $b1 (f64x2.splat (local.get $beta1)))
    (local.set $b2 (f64x2.splat (local.get $beta2)))
    (local.set $c1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $c2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $lr (f64x2.splat (local.get $step_size)))
    (local.set $eps (f64x2.splat (local.get $epsilon)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end2 (i32.and (local.get $end) (i32.const -8)))
    (block $done2
      (loop $lanes
        (br_if $done2 (i32.ge_u (local.get $offset) (local.get $end2)))
        (local.set $gi (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $offset)))))
        (local.set $mi
          (f64x2.add
            (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $m) (local.get $offset)))))
            (f64x2.mul (local.get $c1) (local.get $gi))))
        (local.set $vi
          (f64x2.add
            (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $offset)))))
            (f64x2.mul (f64x2.mul (local.get $c2) (local.get $gi)) (local.get $gi))))
        (v128.store64_lane 0 (i32.add (local.get $m_out) (local.get $offset)) (f32x4.demote_f64x2_zero (local.get $mi)))
        (v128.store64_lane 0 (i32.add (local.get $v_out) (local.get $offset)) (f32x4.demote_f64x2_zero (local.get $vi)))
        (v128.store64_lane 0 (i32.add (local.get $p_out) (local.get $offset))
          (f32x4.demote_f64x2_zero
            (f64x2.sub
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (local.get $offset))))
              (f64x2.div
                (f64x2.mul (local.get $lr) (local.get $mi))
                (f64x2.add (f64x2.sqrt (local.get $vi)) (local.get $eps))))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 8)))
        (br $lanes)))
    (if (i32.lt_u (local.get $offset) (local.get $end))
      (then
        (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $offset)))))
        (local.set $ms
          (f64.add
            (f64.mul (local.get $beta1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $offset)))))
            (f64.mul (f64.sub (f64.const 1) (local.get $beta1)) (local.get $gs))))
        (local.set $vs
          (f64.add
            (f64.mul (local.get $beta2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $offset)))))
            (f64.mul (f64.mul (f64.sub (f64.const 1) (local.get $beta2)) (local.get $gs)) (local.get $gs))))
        (f32.store (i32.add (local.get $m_out) (local.get $offset)) (f32.demote_f64 (local.get $ms)))
        (f32.store (i32.add (local.get $v_out) (local.get $offset)) (f32.demote_f64 (local.get $vs)))
        (f32.store (i32.add (local.get $p_out) (local.get $offset))
          (f32.demote_f64
            (f64.sub
              (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $offset))))
              (f64.div
                (f64.mul (local.get $step_size) (local.get $ms))
                (f64.add (f64.sqrt (local.get $vs)) (local.get $epsilon)))))))))

  ;; Sums over the leading axes of a float32 [rows, cols] tensor: out[c] = Σ_r x[r·cols + c],
  ;; divided by rows if `mean` is not 0. Each column is summed in
  ;; float32 over ascending r from 0, as tfjs' own Sum and Mean kernels sum (after they have
  ;; transposed the reduced axes to the end), so the results have the same bits; the division
  ;; is theirs too (f32 sum / f32 rows). Four columns at a time (f32x4), the last cols mod 4
  ;; alone; each row streams once through memory while `out` stays in cache.
  (func (export "sum_leading")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $mean i32)
    (local $row_bytes i32) (local $end4 i32) (local $c i32) (local $r i32) (local $src i32)
    (local.set $row_bytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $row_bytes) (i32.const -16)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $row_bytes))
    (local.set $src (local.get $x))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_u (local.get $c) (local.get $end4)))
            (v128.store (i32.add (local.get $out) (local.get $c))
              (f32x4.add
                (v128.load (i32.add (local.get $out) (local.get $c)))
                (v128.load (i32.add (local.get $src) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lanes)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $row_bytes)))
            (f32.store (i32.add (local.get $out) (local.get $c))
              (f32.add
                (f32.load (i32.add (local.get $out) (local.get $c)))
                (f32.load (i32.add (local.get $src) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tail)))
        (local.set $src (i32.add (local.get $src) (local.get $row_bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row)))
    (if (local.get $mean)
      (then
        (local.set $c (i32.const 0))
        (block $scaled
          (loop $scale
            (br_if $scaled (i32.ge_u (local.get $c) (local.get $row_bytes)))
            (f32.store (i32.add (local.get $out) (local.get $c))
              (f32.div
                (f32.load (i32.add (local.get $out) (local.get $c)))
                (f32.convert_i32_u (local.get $rows))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $scale))))))
)
