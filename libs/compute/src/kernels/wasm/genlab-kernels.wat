;; genlab's own wasm kernels. They run on the heap of tfjs' wasm backend: the module imports
;; that backend's WebAssembly.Memory, and tensors are passed as byte offsets into it.
;; Compiled into genlab-kernels.wasm.ts by `node libs/compute/scripts/build-wasm-kernels.mjs`.
(module
  (import "env" "memory" (memory 0))

  ;; One Adam step over n float32 values (PyTorch's rule, rearranged as in adam-update.kernel.ts):
  ;;   m' = β1·m + (1−β1)·g,  v' = β2·v + (1−β2)·g²,  p' = p − stepSize·m' / (√v' + ε)
  ;; Reads p, m, v, g; writes p', m', v' (new buffers, which may not overlap the inputs).
  ;; Four lanes at a time (wasm SIMD), then the remainder one by one.
  (func (export "adam_update")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32)
    (param $p_out i32) (param $m_out i32) (param $v_out i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $step_size f32) (param $epsilon f32)
    (local $offset i32) (local $end4 i32) (local $end i32)
    (local $b1 v128) (local $b2 v128) (local $c1 v128) (local $c2 v128) (local $lr v128) (local $eps v128)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $c2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $lr (f32x4.splat (local.get $step_size)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done4
      (loop $lanes
        (br_if $done4 (i32.ge_u (local.get $offset) (local.get $end4)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $mi
          (f32x4.add
            (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $offset))))
            (f32x4.mul (local.get $c1) (local.get $gi))))
        (local.set $vi
          (f32x4.add
            (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $offset))))
            (f32x4.mul (local.get $c2) (f32x4.mul (local.get $gi) (local.get $gi)))))
        (v128.store (i32.add (local.get $m_out) (local.get $offset)) (local.get $mi))
        (v128.store (i32.add (local.get $v_out) (local.get $offset)) (local.get $vi))
        (v128.store (i32.add (local.get $p_out) (local.get $offset))
          (f32x4.sub
            (v128.load (i32.add (local.get $p) (local.get $offset)))
            (f32x4.div
              (f32x4.mul (local.get $lr) (local.get $mi))
              (f32x4.add (f32x4.sqrt (local.get $vi)) (local.get $eps)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $lanes)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $ms
          (f32.add
            (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $offset))))
            (f32.mul (f32.sub (f32.const 1) (local.get $beta1)) (local.get $gs))))
        (local.set $vs
          (f32.add
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $offset))))
            (f32.mul (f32.sub (f32.const 1) (local.get $beta2)) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m_out) (local.get $offset)) (local.get $ms))
        (f32.store (i32.add (local.get $v_out) (local.get $offset)) (local.get $vs))
        (f32.store (i32.add (local.get $p_out) (local.get $offset))
          (f32.sub
            (f32.load (i32.add (local.get $p) (local.get $offset)))
            (f32.div
              (f32.mul (local.get $step_size) (local.get $ms))
              (f32.add (f32.sqrt (local.get $vs)) (local.get $epsilon)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $rest)))))
