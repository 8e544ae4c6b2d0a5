/* Prints the size and the sorted field offsets of every llama.h struct LLamaSharp passes to llama.cpp, under the
 * name of LLamaSharp's struct for it, in the format abi-check.sh compares with `Gateway.Bench.Inference abi`:
 *   struct NAME SIZE
 *   offsets NAME O1 O2 ...
 * Build: cc -I SRC/include -I SRC/ggml/include layout.c */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "llama.h"

static int cmp(const void *a, const void *b) { size_t x = *(const size_t *)a, y = *(const size_t *)b; return x < y ? -1 : x > y; }

static void print(const char *name, size_t size, size_t *offsets, size_t n) {
    qsort(offsets, n, sizeof *offsets, cmp);
    printf("struct %s %zu\noffsets %s", name, size, name);
    for (size_t i = 0; i < n; i++) printf(" %zu", offsets[i]);
    printf("\n");
}

#define O(T, f) offsetof(T, f)
#define STRUCT(NAME, T, ...) do { size_t o[] = { __VA_ARGS__ }; print(NAME, sizeof(T), o, sizeof o / sizeof o[0]); } while (0)

typedef struct llama_model_params mp;
typedef struct llama_context_params cp;
typedef struct llama_model_kv_override kv;
typedef struct llama_model_tensor_buft_override bo;
typedef struct llama_perf_context_data pc;
typedef struct llama_perf_sampler_data ps;
typedef struct llama_sampler_i si;
typedef struct llama_sampler sn;

int main(void) {
    STRUCT("LLamaTokenData", llama_token_data, O(llama_token_data, id), O(llama_token_data, logit), O(llama_token_data, p));
    STRUCT("LLamaTokenDataArrayNative", llama_token_data_array, O(llama_token_data_array, data), O(llama_token_data_array, size),
           O(llama_token_data_array, selected), O(llama_token_data_array, sorted));
    STRUCT("LLamaNativeBatch", llama_batch, O(llama_batch, n_tokens), O(llama_batch, token), O(llama_batch, embd), O(llama_batch, pos),
           O(llama_batch, n_seq_id), O(llama_batch, seq_id), O(llama_batch, logits));
    STRUCT("LLamaModelParams", mp, O(mp, devices), O(mp, tensor_buft_overrides), O(mp, n_gpu_layers), O(mp, split_mode), O(mp, load_mode),
           O(mp, main_gpu), O(mp, tensor_split), O(mp, progress_callback), O(mp, progress_callback_user_data),
           O(mp, kv_overrides), O(mp, vocab_only), O(mp, check_tensors), O(mp, use_extra_bufts), O(mp, no_host), O(mp, no_alloc),
           O(mp, load_mtp));
    STRUCT("LLamaContextParams", cp, O(cp, n_ctx), O(cp, n_batch), O(cp, n_ubatch), O(cp, n_seq_max), O(cp, n_rs_seq), O(cp, n_outputs_max),
           O(cp, n_threads), O(cp, n_threads_batch), O(cp, ctx_type), O(cp, rope_scaling_type),
           O(cp, pooling_type), O(cp, attention_type), O(cp, flash_attn_type), O(cp, rope_freq_base), O(cp, rope_freq_scale),
           O(cp, yarn_ext_factor), O(cp, yarn_attn_factor), O(cp, yarn_beta_fast), O(cp, yarn_beta_slow), O(cp, yarn_orig_ctx),
           O(cp, defrag_thold), O(cp, cb_eval), O(cp, cb_eval_user_data), O(cp, type_k), O(cp, type_v), O(cp, abort_callback),
           O(cp, abort_callback_data), O(cp, embeddings), O(cp, offload_kqv), O(cp, no_perf), O(cp, op_offload), O(cp, swa_full),
           O(cp, kv_unified), O(cp, samplers), O(cp, n_samplers), O(cp, ctx_other));
    STRUCT("LLamaModelMetadataOverride", kv, O(kv, tag), O(kv, key), O(kv, val_i64));
    STRUCT("LLamaModelTensorBufferOverride", bo, O(bo, pattern), O(bo, buft));
    STRUCT("LLamaModelQuantizeParams", llama_model_quantize_params, O(llama_model_quantize_params, nthread),
           O(llama_model_quantize_params, ftype), O(llama_model_quantize_params, output_tensor_type),
           O(llama_model_quantize_params, token_embedding_type), O(llama_model_quantize_params, allow_requantize),
           O(llama_model_quantize_params, quantize_output_tensor), O(llama_model_quantize_params, only_copy),
           O(llama_model_quantize_params, pure), O(llama_model_quantize_params, keep_split), O(llama_model_quantize_params, dry_run),
           O(llama_model_quantize_params, imatrix), O(llama_model_quantize_params, kv_overrides), O(llama_model_quantize_params, tt_overrides),
           O(llama_model_quantize_params, prune_layers), O(llama_model_quantize_params, max_buf_size));
    STRUCT("LLamaLogitBias", llama_logit_bias, O(llama_logit_bias, token), O(llama_logit_bias, bias));
    STRUCT("LLamaSamplerChainParams", llama_sampler_chain_params, O(llama_sampler_chain_params, no_perf));
    STRUCT("LLamaChatMessage", llama_chat_message, O(llama_chat_message, role), O(llama_chat_message, content));
    STRUCT("LLamaPerfContextTimings", pc, O(pc, t_start_ms), O(pc, t_load_ms), O(pc, t_p_eval_ms), O(pc, t_eval_ms), O(pc, n_p_eval),
           O(pc, n_eval), O(pc, n_reused));
    STRUCT("LLamaSamplingTimings", ps, O(ps, t_sample_ms), O(ps, n_sample));
    STRUCT("LLamaSamplerINative", si, O(si, name), O(si, accept), O(si, apply), O(si, reset), O(si, clone), O(si, free), O(si, backend_init),
           O(si, backend_accept), O(si, backend_apply), O(si, backend_set_input), O(si, backend_reset), O(si, copy_state));
    STRUCT("LLamaSamplerNative", sn, O(sn, iface), O(sn, ctx));
    return 0;
}
