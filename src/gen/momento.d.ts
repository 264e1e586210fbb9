import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace momento. */
export namespace momento {

    /** Namespace v1. */
    namespace v1 {

        /** DType enum. */
        enum DType {

            /** DTYPE_UNSPECIFIED value */
            DTYPE_UNSPECIFIED = 0,

            /** FLOAT32 value */
            FLOAT32 = 1,

            /** UINT8 value */
            UINT8 = 2,

            /** INT64 value */
            INT64 = 3,

            /** INT32 value */
            INT32 = 4
        }

        /**
         * Properties of a Tensor.
         * @deprecated Use momento.v1.Tensor.$Properties instead.
         */
        interface ITensor extends momento.v1.Tensor.$Properties {
        }

        /** Represents a Tensor. */
        class Tensor {

            /**
             * Constructs a new Tensor.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.Tensor.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Tensor name. */
            name: string;

            /** Tensor dtype. */
            dtype: momento.v1.DType;

            /** Tensor shape. */
            shape: number[];

            /** Tensor data. */
            data: Uint8Array;

            /**
             * Creates a new Tensor instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Tensor instance
             */
            static create(properties: momento.v1.Tensor.$Shape): momento.v1.Tensor & momento.v1.Tensor.$Shape;
            static create(properties?: momento.v1.Tensor.$Properties): momento.v1.Tensor;

            /**
             * Encodes the specified Tensor message. Does not implicitly {@link momento.v1.Tensor.verify|verify} messages.
             * @param message Tensor message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.Tensor.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Tensor message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.Tensor & momento.v1.Tensor.$Shape} Tensor
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.Tensor & momento.v1.Tensor.$Shape;

            /**
             * Gets the type url for Tensor
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Tensor {

            /** Properties of a Tensor. */
            interface $Properties {

                /** Tensor name */
                name?: (string|null);

                /** Tensor dtype */
                dtype?: (momento.v1.DType|null);

                /** Tensor shape */
                shape?: (number[]|null);

                /** Tensor data */
                data?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Tensor. */
            type $Shape = momento.v1.Tensor.$Properties;
        }

        /**
         * Properties of an Instruction.
         * @deprecated Use momento.v1.Instruction.$Properties instead.
         */
        interface IInstruction extends momento.v1.Instruction.$Properties {
        }

        /** Represents an Instruction. */
        class Instruction {

            /**
             * Constructs a new Instruction.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.Instruction.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Instruction taskId. */
            taskId: string;

            /** Instruction text. */
            text: string;

            /** Instruction tokenIds. */
            tokenIds: number[];

            /**
             * Creates a new Instruction instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Instruction instance
             */
            static create(properties: momento.v1.Instruction.$Shape): momento.v1.Instruction & momento.v1.Instruction.$Shape;
            static create(properties?: momento.v1.Instruction.$Properties): momento.v1.Instruction;

            /**
             * Encodes the specified Instruction message. Does not implicitly {@link momento.v1.Instruction.verify|verify} messages.
             * @param message Instruction message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.Instruction.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Instruction message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.Instruction & momento.v1.Instruction.$Shape} Instruction
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.Instruction & momento.v1.Instruction.$Shape;

            /**
             * Gets the type url for Instruction
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Instruction {

            /** Properties of an Instruction. */
            interface $Properties {

                /** Instruction taskId */
                taskId?: (string|null);

                /** Instruction text */
                text?: (string|null);

                /** Instruction tokenIds */
                tokenIds?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Instruction. */
            type $Shape = momento.v1.Instruction.$Properties;
        }

        /**
         * Properties of an Observation.
         * @deprecated Use momento.v1.Observation.$Properties instead.
         */
        interface IObservation extends momento.v1.Observation.$Properties {
        }

        /** Represents an Observation. */
        class Observation {

            /**
             * Constructs a new Observation.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.Observation.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Observation cameras. */
            cameras: momento.v1.Tensor.$Properties[];

            /** Observation proprio. */
            proprio: number[];

            /** Observation instruction. */
            instruction?: (momento.v1.Instruction.$Properties|null);

            /** Observation stampNs. */
            stampNs: number;

            /** Observation index. */
            index: number;

            /**
             * Creates a new Observation instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Observation instance
             */
            static create(properties: momento.v1.Observation.$Shape): momento.v1.Observation & momento.v1.Observation.$Shape;
            static create(properties?: momento.v1.Observation.$Properties): momento.v1.Observation;

            /**
             * Encodes the specified Observation message. Does not implicitly {@link momento.v1.Observation.verify|verify} messages.
             * @param message Observation message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.Observation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Observation message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.Observation & momento.v1.Observation.$Shape} Observation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.Observation & momento.v1.Observation.$Shape;

            /**
             * Gets the type url for Observation
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Observation {

            /** Properties of an Observation. */
            interface $Properties {

                /** Observation cameras */
                cameras?: (momento.v1.Tensor.$Properties[]|null);

                /** Observation proprio */
                proprio?: (number[]|null);

                /** Observation instruction */
                instruction?: (momento.v1.Instruction.$Properties|null);

                /** Observation stampNs */
                stampNs?: (number|null);

                /** Observation index */
                index?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Observation. */
            type $Shape = momento.v1.Observation.$Properties;
        }

        /**
         * Properties of an ActionChunk.
         * @deprecated Use momento.v1.ActionChunk.$Properties instead.
         */
        interface IActionChunk extends momento.v1.ActionChunk.$Properties {
        }

        /** Represents an ActionChunk. */
        class ActionChunk {

            /**
             * Constructs a new ActionChunk.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ActionChunk.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ActionChunk dims. */
            dims: number;

            /** ActionChunk horizon. */
            horizon: number;

            /** ActionChunk values. */
            values: number[];

            /** ActionChunk stampNs. */
            stampNs: number;

            /** ActionChunk periodS. */
            periodS: number;

            /**
             * Creates a new ActionChunk instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ActionChunk instance
             */
            static create(properties: momento.v1.ActionChunk.$Shape): momento.v1.ActionChunk & momento.v1.ActionChunk.$Shape;
            static create(properties?: momento.v1.ActionChunk.$Properties): momento.v1.ActionChunk;

            /**
             * Encodes the specified ActionChunk message. Does not implicitly {@link momento.v1.ActionChunk.verify|verify} messages.
             * @param message ActionChunk message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ActionChunk.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ActionChunk message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ActionChunk & momento.v1.ActionChunk.$Shape} ActionChunk
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ActionChunk & momento.v1.ActionChunk.$Shape;

            /**
             * Gets the type url for ActionChunk
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ActionChunk {

            /** Properties of an ActionChunk. */
            interface $Properties {

                /** ActionChunk dims */
                dims?: (number|null);

                /** ActionChunk horizon */
                horizon?: (number|null);

                /** ActionChunk values */
                values?: (number[]|null);

                /** ActionChunk stampNs */
                stampNs?: (number|null);

                /** ActionChunk periodS */
                periodS?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ActionChunk. */
            type $Shape = momento.v1.ActionChunk.$Properties;
        }

        /**
         * Properties of an Action.
         * @deprecated Use momento.v1.Action.$Properties instead.
         */
        interface IAction extends momento.v1.Action.$Properties {
        }

        /** Represents an Action. */
        class Action {

            /**
             * Constructs a new Action.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.Action.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Action values. */
            values: number[];

            /** Action stampNs. */
            stampNs: number;

            /** Action hold. */
            hold: boolean;

            /** Action reason. */
            reason: string;

            /** Action tick. */
            tick?: (number|null);

            /**
             * Creates a new Action instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Action instance
             */
            static create(properties: momento.v1.Action.$Shape): momento.v1.Action & momento.v1.Action.$Shape;
            static create(properties?: momento.v1.Action.$Properties): momento.v1.Action;

            /**
             * Encodes the specified Action message. Does not implicitly {@link momento.v1.Action.verify|verify} messages.
             * @param message Action message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.Action.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Action message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.Action & momento.v1.Action.$Shape} Action
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.Action & momento.v1.Action.$Shape;

            /**
             * Gets the type url for Action
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Action {

            /** Properties of an Action. */
            interface $Properties {

                /** Action values */
                values?: (number[]|null);

                /** Action stampNs */
                stampNs?: (number|null);

                /** Action hold */
                hold?: (boolean|null);

                /** Action reason */
                reason?: (string|null);

                /** Action tick */
                tick?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Action. */
            type $Shape = momento.v1.Action.$Properties;
        }

        /**
         * Properties of a StageTimings.
         * @deprecated Use momento.v1.StageTimings.$Properties instead.
         */
        interface IStageTimings extends momento.v1.StageTimings.$Properties {
        }

        /** Represents a StageTimings. */
        class StageTimings {

            /**
             * Constructs a new StageTimings.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.StageTimings.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StageTimings preprocessMs. */
            preprocessMs: number;

            /** StageTimings encoderMs. */
            encoderMs: number;

            /** StageTimings memoryMs. */
            memoryMs: number;

            /** StageTimings headMs. */
            headMs: number;

            /** StageTimings totalMs. */
            totalMs: number;

            /**
             * Creates a new StageTimings instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StageTimings instance
             */
            static create(properties: momento.v1.StageTimings.$Shape): momento.v1.StageTimings & momento.v1.StageTimings.$Shape;
            static create(properties?: momento.v1.StageTimings.$Properties): momento.v1.StageTimings;

            /**
             * Encodes the specified StageTimings message. Does not implicitly {@link momento.v1.StageTimings.verify|verify} messages.
             * @param message StageTimings message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.StageTimings.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StageTimings message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.StageTimings & momento.v1.StageTimings.$Shape} StageTimings
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.StageTimings & momento.v1.StageTimings.$Shape;

            /**
             * Gets the type url for StageTimings
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StageTimings {

            /** Properties of a StageTimings. */
            interface $Properties {

                /** StageTimings preprocessMs */
                preprocessMs?: (number|null);

                /** StageTimings encoderMs */
                encoderMs?: (number|null);

                /** StageTimings memoryMs */
                memoryMs?: (number|null);

                /** StageTimings headMs */
                headMs?: (number|null);

                /** StageTimings totalMs */
                totalMs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StageTimings. */
            type $Shape = momento.v1.StageTimings.$Properties;
        }

        /**
         * Properties of a StreamStats.
         * @deprecated Use momento.v1.StreamStats.$Properties instead.
         */
        interface IStreamStats extends momento.v1.StreamStats.$Properties {
        }

        /** Represents a StreamStats. */
        class StreamStats {

            /**
             * Constructs a new StreamStats.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.StreamStats.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamStats name. */
            name: string;

            /** StreamStats entries. */
            entries: number;

            /** StreamStats merges. */
            merges: number;

            /** StreamStats mergedAt. */
            mergedAt: number[];

            /** StreamStats attention. */
            attention: number[];

            /**
             * Creates a new StreamStats instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StreamStats instance
             */
            static create(properties: momento.v1.StreamStats.$Shape): momento.v1.StreamStats & momento.v1.StreamStats.$Shape;
            static create(properties?: momento.v1.StreamStats.$Properties): momento.v1.StreamStats;

            /**
             * Encodes the specified StreamStats message. Does not implicitly {@link momento.v1.StreamStats.verify|verify} messages.
             * @param message StreamStats message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.StreamStats.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamStats message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.StreamStats & momento.v1.StreamStats.$Shape} StreamStats
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.StreamStats & momento.v1.StreamStats.$Shape;

            /**
             * Gets the type url for StreamStats
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StreamStats {

            /** Properties of a StreamStats. */
            interface $Properties {

                /** StreamStats name */
                name?: (string|null);

                /** StreamStats entries */
                entries?: (number|null);

                /** StreamStats merges */
                merges?: (number|null);

                /** StreamStats mergedAt */
                mergedAt?: (number[]|null);

                /** StreamStats attention */
                attention?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamStats. */
            type $Shape = momento.v1.StreamStats.$Properties;
        }

        /**
         * Properties of a MemoryStats.
         * @deprecated Use momento.v1.MemoryStats.$Properties instead.
         */
        interface IMemoryStats extends momento.v1.MemoryStats.$Properties {
        }

        /** Represents a MemoryStats. */
        class MemoryStats {

            /**
             * Constructs a new MemoryStats.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.MemoryStats.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MemoryStats entries. */
            entries: number;

            /** MemoryStats merges. */
            merges: number;

            /** MemoryStats streams. */
            streams: momento.v1.StreamStats.$Properties[];

            /**
             * Creates a new MemoryStats instance using the specified properties.
             * @param [properties] Properties to set
             * @returns MemoryStats instance
             */
            static create(properties: momento.v1.MemoryStats.$Shape): momento.v1.MemoryStats & momento.v1.MemoryStats.$Shape;
            static create(properties?: momento.v1.MemoryStats.$Properties): momento.v1.MemoryStats;

            /**
             * Encodes the specified MemoryStats message. Does not implicitly {@link momento.v1.MemoryStats.verify|verify} messages.
             * @param message MemoryStats message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.MemoryStats.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a MemoryStats message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.MemoryStats & momento.v1.MemoryStats.$Shape} MemoryStats
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.MemoryStats & momento.v1.MemoryStats.$Shape;

            /**
             * Gets the type url for MemoryStats
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace MemoryStats {

            /** Properties of a MemoryStats. */
            interface $Properties {

                /** MemoryStats entries */
                entries?: (number|null);

                /** MemoryStats merges */
                merges?: (number|null);

                /** MemoryStats streams */
                streams?: (momento.v1.StreamStats.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MemoryStats. */
            type $Shape = momento.v1.MemoryStats.$Properties;
        }

        /**
         * Properties of a StepResult.
         * @deprecated Use momento.v1.StepResult.$Properties instead.
         */
        interface IStepResult extends momento.v1.StepResult.$Properties {
        }

        /** Represents a StepResult. */
        class StepResult {

            /**
             * Constructs a new StepResult.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.StepResult.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepResult chunk. */
            chunk?: (momento.v1.ActionChunk.$Properties|null);

            /** StepResult timings. */
            timings?: (momento.v1.StageTimings.$Properties|null);

            /** StepResult memory. */
            memory?: (momento.v1.MemoryStats.$Properties|null);

            /** StepResult step. */
            step: number;

            /** StepResult placement. */
            placement?: (momento.v1.ChunkPlacement.$Properties|null);

            /** StepResult sourceEvents. */
            sourceEvents?: (momento.v1.SourceEvents.$Properties|null);

            /** StepResult inputStamps. */
            inputStamps: momento.v1.InputStamp.$Properties[];

            /**
             * Creates a new StepResult instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StepResult instance
             */
            static create(properties: momento.v1.StepResult.$Shape): momento.v1.StepResult & momento.v1.StepResult.$Shape;
            static create(properties?: momento.v1.StepResult.$Properties): momento.v1.StepResult;

            /**
             * Encodes the specified StepResult message. Does not implicitly {@link momento.v1.StepResult.verify|verify} messages.
             * @param message StepResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.StepResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.StepResult & momento.v1.StepResult.$Shape} StepResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.StepResult & momento.v1.StepResult.$Shape;

            /**
             * Gets the type url for StepResult
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StepResult {

            /** Properties of a StepResult. */
            interface $Properties {

                /** StepResult chunk */
                chunk?: (momento.v1.ActionChunk.$Properties|null);

                /** StepResult timings */
                timings?: (momento.v1.StageTimings.$Properties|null);

                /** StepResult memory */
                memory?: (momento.v1.MemoryStats.$Properties|null);

                /** StepResult step */
                step?: (number|null);

                /** StepResult placement */
                placement?: (momento.v1.ChunkPlacement.$Properties|null);

                /** StepResult sourceEvents */
                sourceEvents?: (momento.v1.SourceEvents.$Properties|null);

                /** StepResult inputStamps */
                inputStamps?: (momento.v1.InputStamp.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepResult. */
            type $Shape = momento.v1.StepResult.$Properties;
        }

        /**
         * Properties of an InputStamp.
         * @deprecated Use momento.v1.InputStamp.$Properties instead.
         */
        interface IInputStamp extends momento.v1.InputStamp.$Properties {
        }

        /** Represents an InputStamp. */
        class InputStamp {

            /**
             * Constructs a new InputStamp.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.InputStamp.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** InputStamp input. */
            input: string;

            /** InputStamp stampNs. */
            stampNs: number;

            /**
             * Creates a new InputStamp instance using the specified properties.
             * @param [properties] Properties to set
             * @returns InputStamp instance
             */
            static create(properties: momento.v1.InputStamp.$Shape): momento.v1.InputStamp & momento.v1.InputStamp.$Shape;
            static create(properties?: momento.v1.InputStamp.$Properties): momento.v1.InputStamp;

            /**
             * Encodes the specified InputStamp message. Does not implicitly {@link momento.v1.InputStamp.verify|verify} messages.
             * @param message InputStamp message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.InputStamp.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an InputStamp message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.InputStamp & momento.v1.InputStamp.$Shape} InputStamp
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.InputStamp & momento.v1.InputStamp.$Shape;

            /**
             * Gets the type url for InputStamp
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace InputStamp {

            /** Properties of an InputStamp. */
            interface $Properties {

                /** InputStamp input */
                input?: (string|null);

                /** InputStamp stampNs */
                stampNs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an InputStamp. */
            type $Shape = momento.v1.InputStamp.$Properties;
        }

        /**
         * Properties of a SourceEvents.
         * @deprecated Use momento.v1.SourceEvents.$Properties instead.
         */
        interface ISourceEvents extends momento.v1.SourceEvents.$Properties {
        }

        /** Represents a SourceEvents. */
        class SourceEvents {

            /**
             * Constructs a new SourceEvents.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SourceEvents.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SourceEvents reconnects. */
            reconnects: number;

            /** SourceEvents gapFrames. */
            gapFrames: number;

            /**
             * Creates a new SourceEvents instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SourceEvents instance
             */
            static create(properties: momento.v1.SourceEvents.$Shape): momento.v1.SourceEvents & momento.v1.SourceEvents.$Shape;
            static create(properties?: momento.v1.SourceEvents.$Properties): momento.v1.SourceEvents;

            /**
             * Encodes the specified SourceEvents message. Does not implicitly {@link momento.v1.SourceEvents.verify|verify} messages.
             * @param message SourceEvents message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SourceEvents.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SourceEvents message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SourceEvents & momento.v1.SourceEvents.$Shape} SourceEvents
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SourceEvents & momento.v1.SourceEvents.$Shape;

            /**
             * Gets the type url for SourceEvents
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SourceEvents {

            /** Properties of a SourceEvents. */
            interface $Properties {

                /** SourceEvents reconnects */
                reconnects?: (number|null);

                /** SourceEvents gapFrames */
                gapFrames?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SourceEvents. */
            type $Shape = momento.v1.SourceEvents.$Properties;
        }

        /**
         * Properties of a ChunkPlacement.
         * @deprecated Use momento.v1.ChunkPlacement.$Properties instead.
         */
        interface IChunkPlacement extends momento.v1.ChunkPlacement.$Properties {
        }

        /** Represents a ChunkPlacement. */
        class ChunkPlacement {

            /**
             * Constructs a new ChunkPlacement.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ChunkPlacement.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ChunkPlacement delayTicks. */
            delayTicks: number;

            /** ChunkPlacement startIndex. */
            startIndex: number;

            /** ChunkPlacement expired. */
            expired: boolean;

            /**
             * Creates a new ChunkPlacement instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ChunkPlacement instance
             */
            static create(properties: momento.v1.ChunkPlacement.$Shape): momento.v1.ChunkPlacement & momento.v1.ChunkPlacement.$Shape;
            static create(properties?: momento.v1.ChunkPlacement.$Properties): momento.v1.ChunkPlacement;

            /**
             * Encodes the specified ChunkPlacement message. Does not implicitly {@link momento.v1.ChunkPlacement.verify|verify} messages.
             * @param message ChunkPlacement message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ChunkPlacement.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ChunkPlacement message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ChunkPlacement & momento.v1.ChunkPlacement.$Shape} ChunkPlacement
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ChunkPlacement & momento.v1.ChunkPlacement.$Shape;

            /**
             * Gets the type url for ChunkPlacement
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ChunkPlacement {

            /** Properties of a ChunkPlacement. */
            interface $Properties {

                /** ChunkPlacement delayTicks */
                delayTicks?: (number|null);

                /** ChunkPlacement startIndex */
                startIndex?: (number|null);

                /** ChunkPlacement expired */
                expired?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ChunkPlacement. */
            type $Shape = momento.v1.ChunkPlacement.$Properties;
        }

        /**
         * Properties of a BankEntry.
         * @deprecated Use momento.v1.BankEntry.$Properties instead.
         */
        interface IBankEntry extends momento.v1.BankEntry.$Properties {
        }

        /** Represents a BankEntry. */
        class BankEntry {

            /**
             * Constructs a new BankEntry.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.BankEntry.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BankEntry timestep. */
            timestep: number;

            /** BankEntry tokens. */
            tokens?: (momento.v1.Tensor.$Properties|null);

            /**
             * Creates a new BankEntry instance using the specified properties.
             * @param [properties] Properties to set
             * @returns BankEntry instance
             */
            static create(properties: momento.v1.BankEntry.$Shape): momento.v1.BankEntry & momento.v1.BankEntry.$Shape;
            static create(properties?: momento.v1.BankEntry.$Properties): momento.v1.BankEntry;

            /**
             * Encodes the specified BankEntry message. Does not implicitly {@link momento.v1.BankEntry.verify|verify} messages.
             * @param message BankEntry message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.BankEntry.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a BankEntry message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.BankEntry & momento.v1.BankEntry.$Shape} BankEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.BankEntry & momento.v1.BankEntry.$Shape;

            /**
             * Gets the type url for BankEntry
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace BankEntry {

            /** Properties of a BankEntry. */
            interface $Properties {

                /** BankEntry timestep */
                timestep?: (number|null);

                /** BankEntry tokens */
                tokens?: (momento.v1.Tensor.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BankEntry. */
            type $Shape = momento.v1.BankEntry.$Properties;
        }

        /**
         * Properties of a BankSnapshot.
         * @deprecated Use momento.v1.BankSnapshot.$Properties instead.
         */
        interface IBankSnapshot extends momento.v1.BankSnapshot.$Properties {
        }

        /** Represents a BankSnapshot. */
        class BankSnapshot {

            /**
             * Constructs a new BankSnapshot.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.BankSnapshot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BankSnapshot stream. */
            stream: string;

            /** BankSnapshot capacity. */
            capacity: number;

            /** BankSnapshot entries. */
            entries: momento.v1.BankEntry.$Properties[];

            /**
             * Creates a new BankSnapshot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns BankSnapshot instance
             */
            static create(properties: momento.v1.BankSnapshot.$Shape): momento.v1.BankSnapshot & momento.v1.BankSnapshot.$Shape;
            static create(properties?: momento.v1.BankSnapshot.$Properties): momento.v1.BankSnapshot;

            /**
             * Encodes the specified BankSnapshot message. Does not implicitly {@link momento.v1.BankSnapshot.verify|verify} messages.
             * @param message BankSnapshot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.BankSnapshot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a BankSnapshot message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.BankSnapshot & momento.v1.BankSnapshot.$Shape} BankSnapshot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.BankSnapshot & momento.v1.BankSnapshot.$Shape;

            /**
             * Gets the type url for BankSnapshot
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace BankSnapshot {

            /** Properties of a BankSnapshot. */
            interface $Properties {

                /** BankSnapshot stream */
                stream?: (string|null);

                /** BankSnapshot capacity */
                capacity?: (number|null);

                /** BankSnapshot entries */
                entries?: (momento.v1.BankEntry.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BankSnapshot. */
            type $Shape = momento.v1.BankSnapshot.$Properties;
        }

        /**
         * Properties of a WindowSnapshot.
         * @deprecated Use momento.v1.WindowSnapshot.$Properties instead.
         */
        interface IWindowSnapshot extends momento.v1.WindowSnapshot.$Properties {
        }

        /** Represents a WindowSnapshot. */
        class WindowSnapshot {

            /**
             * Constructs a new WindowSnapshot.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.WindowSnapshot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** WindowSnapshot length. */
            length: number;

            /** WindowSnapshot moments. */
            moments: momento.v1.Tensor.$Properties[];

            /**
             * Creates a new WindowSnapshot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns WindowSnapshot instance
             */
            static create(properties: momento.v1.WindowSnapshot.$Shape): momento.v1.WindowSnapshot & momento.v1.WindowSnapshot.$Shape;
            static create(properties?: momento.v1.WindowSnapshot.$Properties): momento.v1.WindowSnapshot;

            /**
             * Encodes the specified WindowSnapshot message. Does not implicitly {@link momento.v1.WindowSnapshot.verify|verify} messages.
             * @param message WindowSnapshot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.WindowSnapshot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a WindowSnapshot message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.WindowSnapshot & momento.v1.WindowSnapshot.$Shape} WindowSnapshot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.WindowSnapshot & momento.v1.WindowSnapshot.$Shape;

            /**
             * Gets the type url for WindowSnapshot
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace WindowSnapshot {

            /** Properties of a WindowSnapshot. */
            interface $Properties {

                /** WindowSnapshot length */
                length?: (number|null);

                /** WindowSnapshot moments */
                moments?: (momento.v1.Tensor.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a WindowSnapshot. */
            type $Shape = momento.v1.WindowSnapshot.$Properties;
        }

        /**
         * Properties of a MemorySnapshot.
         * @deprecated Use momento.v1.MemorySnapshot.$Properties instead.
         */
        interface IMemorySnapshot extends momento.v1.MemorySnapshot.$Properties {
        }

        /** Represents a MemorySnapshot. */
        class MemorySnapshot {

            /**
             * Constructs a new MemorySnapshot.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.MemorySnapshot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MemorySnapshot bundle. */
            bundle: string;

            /** MemorySnapshot kind. */
            kind: string;

            /** MemorySnapshot step. */
            step: number;

            /** MemorySnapshot banks. */
            banks: momento.v1.BankSnapshot.$Properties[];

            /** MemorySnapshot window. */
            window?: (momento.v1.WindowSnapshot.$Properties|null);

            /** MemorySnapshot noiseState. */
            noiseState: number;

            /** MemorySnapshot hasNoiseSpare. */
            hasNoiseSpare: boolean;

            /** MemorySnapshot noiseSpare. */
            noiseSpare: number;

            /** MemorySnapshot episodeNoise. */
            episodeNoise?: (momento.v1.Tensor.$Properties|null);

            /**
             * Creates a new MemorySnapshot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns MemorySnapshot instance
             */
            static create(properties: momento.v1.MemorySnapshot.$Shape): momento.v1.MemorySnapshot & momento.v1.MemorySnapshot.$Shape;
            static create(properties?: momento.v1.MemorySnapshot.$Properties): momento.v1.MemorySnapshot;

            /**
             * Encodes the specified MemorySnapshot message. Does not implicitly {@link momento.v1.MemorySnapshot.verify|verify} messages.
             * @param message MemorySnapshot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.MemorySnapshot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a MemorySnapshot message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.MemorySnapshot & momento.v1.MemorySnapshot.$Shape} MemorySnapshot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.MemorySnapshot & momento.v1.MemorySnapshot.$Shape;

            /**
             * Gets the type url for MemorySnapshot
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace MemorySnapshot {

            /** Properties of a MemorySnapshot. */
            interface $Properties {

                /** MemorySnapshot bundle */
                bundle?: (string|null);

                /** MemorySnapshot kind */
                kind?: (string|null);

                /** MemorySnapshot step */
                step?: (number|null);

                /** MemorySnapshot banks */
                banks?: (momento.v1.BankSnapshot.$Properties[]|null);

                /** MemorySnapshot window */
                window?: (momento.v1.WindowSnapshot.$Properties|null);

                /** MemorySnapshot noiseState */
                noiseState?: (number|null);

                /** MemorySnapshot hasNoiseSpare */
                hasNoiseSpare?: (boolean|null);

                /** MemorySnapshot noiseSpare */
                noiseSpare?: (number|null);

                /** MemorySnapshot episodeNoise */
                episodeNoise?: (momento.v1.Tensor.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MemorySnapshot. */
            type $Shape = momento.v1.MemorySnapshot.$Properties;
        }

        /** SimMode enum. */
        enum SimMode {

            /** LOCKSTEP value */
            LOCKSTEP = 0,

            /** REALTIME value */
            REALTIME = 1
        }

        /**
         * Properties of a SimReset.
         * @deprecated Use momento.v1.SimReset.$Properties instead.
         */
        interface ISimReset extends momento.v1.SimReset.$Properties {
        }

        /** Represents a SimReset. */
        class SimReset {

            /**
             * Constructs a new SimReset.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimReset.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimReset task. */
            task: string;

            /** SimReset seed. */
            seed: number;

            /** SimReset mode. */
            mode: momento.v1.SimMode;

            /** SimReset imageSize. */
            imageSize: number;

            /** SimReset params. */
            params: momento.v1.TaskParam.$Properties[];

            /**
             * Creates a new SimReset instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimReset instance
             */
            static create(properties: momento.v1.SimReset.$Shape): momento.v1.SimReset & momento.v1.SimReset.$Shape;
            static create(properties?: momento.v1.SimReset.$Properties): momento.v1.SimReset;

            /**
             * Encodes the specified SimReset message. Does not implicitly {@link momento.v1.SimReset.verify|verify} messages.
             * @param message SimReset message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimReset.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimReset message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimReset & momento.v1.SimReset.$Shape} SimReset
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimReset & momento.v1.SimReset.$Shape;

            /**
             * Gets the type url for SimReset
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimReset {

            /** Properties of a SimReset. */
            interface $Properties {

                /** SimReset task */
                task?: (string|null);

                /** SimReset seed */
                seed?: (number|null);

                /** SimReset mode */
                mode?: (momento.v1.SimMode|null);

                /** SimReset imageSize */
                imageSize?: (number|null);

                /** SimReset params */
                params?: (momento.v1.TaskParam.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimReset. */
            type $Shape = momento.v1.SimReset.$Properties;
        }

        /**
         * Properties of a TaskParam.
         * @deprecated Use momento.v1.TaskParam.$Properties instead.
         */
        interface ITaskParam extends momento.v1.TaskParam.$Properties {
        }

        /** Represents a TaskParam. */
        class TaskParam {

            /**
             * Constructs a new TaskParam.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.TaskParam.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TaskParam name. */
            name: string;

            /** TaskParam value. */
            value: number;

            /**
             * Creates a new TaskParam instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TaskParam instance
             */
            static create(properties: momento.v1.TaskParam.$Shape): momento.v1.TaskParam & momento.v1.TaskParam.$Shape;
            static create(properties?: momento.v1.TaskParam.$Properties): momento.v1.TaskParam;

            /**
             * Encodes the specified TaskParam message. Does not implicitly {@link momento.v1.TaskParam.verify|verify} messages.
             * @param message TaskParam message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.TaskParam.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TaskParam message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.TaskParam & momento.v1.TaskParam.$Shape} TaskParam
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.TaskParam & momento.v1.TaskParam.$Shape;

            /**
             * Gets the type url for TaskParam
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TaskParam {

            /** Properties of a TaskParam. */
            interface $Properties {

                /** TaskParam name */
                name?: (string|null);

                /** TaskParam value */
                value?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TaskParam. */
            type $Shape = momento.v1.TaskParam.$Properties;
        }

        /**
         * Properties of a SimStep.
         * @deprecated Use momento.v1.SimStep.$Properties instead.
         */
        interface ISimStep extends momento.v1.SimStep.$Properties {
        }

        /** Represents a SimStep. */
        class SimStep {

            /**
             * Constructs a new SimStep.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimStep.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimStep action. */
            action: number[];

            /**
             * Creates a new SimStep instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimStep instance
             */
            static create(properties: momento.v1.SimStep.$Shape): momento.v1.SimStep & momento.v1.SimStep.$Shape;
            static create(properties?: momento.v1.SimStep.$Properties): momento.v1.SimStep;

            /**
             * Encodes the specified SimStep message. Does not implicitly {@link momento.v1.SimStep.verify|verify} messages.
             * @param message SimStep message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimStep.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimStep message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimStep & momento.v1.SimStep.$Shape} SimStep
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimStep & momento.v1.SimStep.$Shape;

            /**
             * Gets the type url for SimStep
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimStep {

            /** Properties of a SimStep. */
            interface $Properties {

                /** SimStep action */
                action?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimStep. */
            type $Shape = momento.v1.SimStep.$Properties;
        }

        /**
         * Properties of a SimRequest.
         * @deprecated Use momento.v1.SimRequest.$Properties instead.
         */
        interface ISimRequest extends momento.v1.SimRequest.$Properties {
        }

        /** Represents a SimRequest. */
        class SimRequest {

            /**
             * Constructs a new SimRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimRequest id. */
            id: number;

            /** SimRequest reset. */
            reset?: (momento.v1.SimReset.$Properties|null);

            /** SimRequest step. */
            step?: (momento.v1.SimStep.$Properties|null);

            /** SimRequest listTasks. */
            listTasks?: (momento.v1.SimListTasks.$Properties|null);

            /** SimRequest body. */
            body?: ("reset"|"step"|"listTasks");

            /**
             * Creates a new SimRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimRequest instance
             */
            static create(properties: momento.v1.SimRequest.$Shape): momento.v1.SimRequest & momento.v1.SimRequest.$Shape;
            static create(properties?: momento.v1.SimRequest.$Properties): momento.v1.SimRequest;

            /**
             * Encodes the specified SimRequest message. Does not implicitly {@link momento.v1.SimRequest.verify|verify} messages.
             * @param message SimRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimRequest & momento.v1.SimRequest.$Shape} SimRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimRequest & momento.v1.SimRequest.$Shape;

            /**
             * Gets the type url for SimRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimRequest {

            /** Properties of a SimRequest. */
            interface $Properties {

                /** SimRequest id */
                id?: (number|null);

                /** SimRequest reset */
                reset?: (momento.v1.SimReset.$Properties|null);

                /** SimRequest step */
                step?: (momento.v1.SimStep.$Properties|null);

                /** SimRequest listTasks */
                listTasks?: (momento.v1.SimListTasks.$Properties|null);

                /** SimRequest body */
                body?: ("reset"|"step"|"listTasks");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a SimRequest. */
            type $Shape = {
              id?: number|null;
              reset?: momento.v1.SimReset.$Shape|null;
              step?: momento.v1.SimStep.$Shape|null;
              listTasks?: momento.v1.SimListTasks.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; reset?: null; step?: null; listTasks?: null }|{ body?: "reset"; reset: momento.v1.SimReset.$Shape; step?: null; listTasks?: null }|{ body?: "step"; reset?: null; step: momento.v1.SimStep.$Shape; listTasks?: null }|{ body?: "listTasks"; reset?: null; step?: null; listTasks: momento.v1.SimListTasks.$Shape })
            );
        }

        /**
         * Properties of a SimListTasks.
         * @deprecated Use momento.v1.SimListTasks.$Properties instead.
         */
        interface ISimListTasks extends momento.v1.SimListTasks.$Properties {
        }

        /** Represents a SimListTasks. */
        class SimListTasks {

            /**
             * Constructs a new SimListTasks.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimListTasks.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new SimListTasks instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimListTasks instance
             */
            static create(properties: momento.v1.SimListTasks.$Shape): momento.v1.SimListTasks & momento.v1.SimListTasks.$Shape;
            static create(properties?: momento.v1.SimListTasks.$Properties): momento.v1.SimListTasks;

            /**
             * Encodes the specified SimListTasks message. Does not implicitly {@link momento.v1.SimListTasks.verify|verify} messages.
             * @param message SimListTasks message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimListTasks.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimListTasks message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimListTasks & momento.v1.SimListTasks.$Shape} SimListTasks
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimListTasks & momento.v1.SimListTasks.$Shape;

            /**
             * Gets the type url for SimListTasks
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimListTasks {

            /** Properties of a SimListTasks. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimListTasks. */
            type $Shape = momento.v1.SimListTasks.$Properties;
        }

        /**
         * Properties of a TaskParamSpec.
         * @deprecated Use momento.v1.TaskParamSpec.$Properties instead.
         */
        interface ITaskParamSpec extends momento.v1.TaskParamSpec.$Properties {
        }

        /** Represents a TaskParamSpec. */
        class TaskParamSpec {

            /**
             * Constructs a new TaskParamSpec.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.TaskParamSpec.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TaskParamSpec name. */
            name: string;

            /** TaskParamSpec kind. */
            kind: string;

            /** TaskParamSpec trainMin. */
            trainMin: number;

            /** TaskParamSpec trainMax. */
            trainMax: number;

            /** TaskParamSpec limitMin. */
            limitMin: number;

            /** TaskParamSpec limitMax. */
            limitMax: number;

            /** TaskParamSpec values. */
            values: number[];

            /** TaskParamSpec legacy. */
            legacy: number;

            /** TaskParamSpec description. */
            description: string;

            /**
             * Creates a new TaskParamSpec instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TaskParamSpec instance
             */
            static create(properties: momento.v1.TaskParamSpec.$Shape): momento.v1.TaskParamSpec & momento.v1.TaskParamSpec.$Shape;
            static create(properties?: momento.v1.TaskParamSpec.$Properties): momento.v1.TaskParamSpec;

            /**
             * Encodes the specified TaskParamSpec message. Does not implicitly {@link momento.v1.TaskParamSpec.verify|verify} messages.
             * @param message TaskParamSpec message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.TaskParamSpec.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TaskParamSpec message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.TaskParamSpec & momento.v1.TaskParamSpec.$Shape} TaskParamSpec
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.TaskParamSpec & momento.v1.TaskParamSpec.$Shape;

            /**
             * Gets the type url for TaskParamSpec
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TaskParamSpec {

            /** Properties of a TaskParamSpec. */
            interface $Properties {

                /** TaskParamSpec name */
                name?: (string|null);

                /** TaskParamSpec kind */
                kind?: (string|null);

                /** TaskParamSpec trainMin */
                trainMin?: (number|null);

                /** TaskParamSpec trainMax */
                trainMax?: (number|null);

                /** TaskParamSpec limitMin */
                limitMin?: (number|null);

                /** TaskParamSpec limitMax */
                limitMax?: (number|null);

                /** TaskParamSpec values */
                values?: (number[]|null);

                /** TaskParamSpec legacy */
                legacy?: (number|null);

                /** TaskParamSpec description */
                description?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TaskParamSpec. */
            type $Shape = momento.v1.TaskParamSpec.$Properties;
        }

        /**
         * Properties of a TaskInfo.
         * @deprecated Use momento.v1.TaskInfo.$Properties instead.
         */
        interface ITaskInfo extends momento.v1.TaskInfo.$Properties {
        }

        /** Represents a TaskInfo. */
        class TaskInfo {

            /**
             * Constructs a new TaskInfo.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.TaskInfo.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TaskInfo id. */
            id: string;

            /** TaskInfo text. */
            text: string;

            /** TaskInfo needsMemory. */
            needsMemory: boolean;

            /** TaskInfo memorylessChance. */
            memorylessChance: number;

            /** TaskInfo maxSteps. */
            maxSteps: number;

            /** TaskInfo controlRateHz. */
            controlRateHz: number;

            /** TaskInfo params. */
            params: momento.v1.TaskParamSpec.$Properties[];

            /**
             * Creates a new TaskInfo instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TaskInfo instance
             */
            static create(properties: momento.v1.TaskInfo.$Shape): momento.v1.TaskInfo & momento.v1.TaskInfo.$Shape;
            static create(properties?: momento.v1.TaskInfo.$Properties): momento.v1.TaskInfo;

            /**
             * Encodes the specified TaskInfo message. Does not implicitly {@link momento.v1.TaskInfo.verify|verify} messages.
             * @param message TaskInfo message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.TaskInfo.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TaskInfo message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.TaskInfo & momento.v1.TaskInfo.$Shape} TaskInfo
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.TaskInfo & momento.v1.TaskInfo.$Shape;

            /**
             * Gets the type url for TaskInfo
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TaskInfo {

            /** Properties of a TaskInfo. */
            interface $Properties {

                /** TaskInfo id */
                id?: (string|null);

                /** TaskInfo text */
                text?: (string|null);

                /** TaskInfo needsMemory */
                needsMemory?: (boolean|null);

                /** TaskInfo memorylessChance */
                memorylessChance?: (number|null);

                /** TaskInfo maxSteps */
                maxSteps?: (number|null);

                /** TaskInfo controlRateHz */
                controlRateHz?: (number|null);

                /** TaskInfo params */
                params?: (momento.v1.TaskParamSpec.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TaskInfo. */
            type $Shape = momento.v1.TaskInfo.$Properties;
        }

        /**
         * Properties of a SimTransition.
         * @deprecated Use momento.v1.SimTransition.$Properties instead.
         */
        interface ISimTransition extends momento.v1.SimTransition.$Properties {
        }

        /** Represents a SimTransition. */
        class SimTransition {

            /**
             * Constructs a new SimTransition.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimTransition.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimTransition observation. */
            observation?: (momento.v1.Observation.$Properties|null);

            /** SimTransition reward. */
            reward: number;

            /** SimTransition done. */
            done: boolean;

            /** SimTransition success. */
            success: boolean;

            /** SimTransition privilegedJson. */
            privilegedJson: string;

            /** SimTransition step. */
            step: number;

            /** SimTransition locked. */
            locked: boolean;

            /** SimTransition params. */
            params: momento.v1.TaskParam.$Properties[];

            /** SimTransition memorylessChance. */
            memorylessChance: number;

            /** SimTransition maxSteps. */
            maxSteps: number;

            /** SimTransition split. */
            split: string;

            /**
             * Creates a new SimTransition instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimTransition instance
             */
            static create(properties: momento.v1.SimTransition.$Shape): momento.v1.SimTransition & momento.v1.SimTransition.$Shape;
            static create(properties?: momento.v1.SimTransition.$Properties): momento.v1.SimTransition;

            /**
             * Encodes the specified SimTransition message. Does not implicitly {@link momento.v1.SimTransition.verify|verify} messages.
             * @param message SimTransition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimTransition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimTransition message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimTransition & momento.v1.SimTransition.$Shape} SimTransition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimTransition & momento.v1.SimTransition.$Shape;

            /**
             * Gets the type url for SimTransition
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimTransition {

            /** Properties of a SimTransition. */
            interface $Properties {

                /** SimTransition observation */
                observation?: (momento.v1.Observation.$Properties|null);

                /** SimTransition reward */
                reward?: (number|null);

                /** SimTransition done */
                done?: (boolean|null);

                /** SimTransition success */
                success?: (boolean|null);

                /** SimTransition privilegedJson */
                privilegedJson?: (string|null);

                /** SimTransition step */
                step?: (number|null);

                /** SimTransition locked */
                locked?: (boolean|null);

                /** SimTransition params */
                params?: (momento.v1.TaskParam.$Properties[]|null);

                /** SimTransition memorylessChance */
                memorylessChance?: (number|null);

                /** SimTransition maxSteps */
                maxSteps?: (number|null);

                /** SimTransition split */
                split?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimTransition. */
            type $Shape = momento.v1.SimTransition.$Properties;
        }

        /**
         * Properties of a SimError.
         * @deprecated Use momento.v1.SimError.$Properties instead.
         */
        interface ISimError extends momento.v1.SimError.$Properties {
        }

        /** Represents a SimError. */
        class SimError {

            /**
             * Constructs a new SimError.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimError.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimError message. */
            message: string;

            /** SimError code. */
            code: string;

            /**
             * Creates a new SimError instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimError instance
             */
            static create(properties: momento.v1.SimError.$Shape): momento.v1.SimError & momento.v1.SimError.$Shape;
            static create(properties?: momento.v1.SimError.$Properties): momento.v1.SimError;

            /**
             * Encodes the specified SimError message. Does not implicitly {@link momento.v1.SimError.verify|verify} messages.
             * @param message SimError message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimError.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimError message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimError & momento.v1.SimError.$Shape} SimError
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimError & momento.v1.SimError.$Shape;

            /**
             * Gets the type url for SimError
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimError {

            /** Properties of a SimError. */
            interface $Properties {

                /** SimError message */
                message?: (string|null);

                /** SimError code */
                code?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimError. */
            type $Shape = momento.v1.SimError.$Properties;
        }

        /**
         * Properties of a SimResponse.
         * @deprecated Use momento.v1.SimResponse.$Properties instead.
         */
        interface ISimResponse extends momento.v1.SimResponse.$Properties {
        }

        /** Represents a SimResponse. */
        class SimResponse {

            /**
             * Constructs a new SimResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimResponse id. */
            id: number;

            /** SimResponse transition. */
            transition?: (momento.v1.SimTransition.$Properties|null);

            /** SimResponse error. */
            error?: (momento.v1.SimError.$Properties|null);

            /** SimResponse tasks. */
            tasks?: (momento.v1.SimTaskList.$Properties|null);

            /** SimResponse body. */
            body?: ("transition"|"error"|"tasks");

            /**
             * Creates a new SimResponse instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimResponse instance
             */
            static create(properties: momento.v1.SimResponse.$Shape): momento.v1.SimResponse & momento.v1.SimResponse.$Shape;
            static create(properties?: momento.v1.SimResponse.$Properties): momento.v1.SimResponse;

            /**
             * Encodes the specified SimResponse message. Does not implicitly {@link momento.v1.SimResponse.verify|verify} messages.
             * @param message SimResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimResponse & momento.v1.SimResponse.$Shape} SimResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimResponse & momento.v1.SimResponse.$Shape;

            /**
             * Gets the type url for SimResponse
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimResponse {

            /** Properties of a SimResponse. */
            interface $Properties {

                /** SimResponse id */
                id?: (number|null);

                /** SimResponse transition */
                transition?: (momento.v1.SimTransition.$Properties|null);

                /** SimResponse error */
                error?: (momento.v1.SimError.$Properties|null);

                /** SimResponse tasks */
                tasks?: (momento.v1.SimTaskList.$Properties|null);

                /** SimResponse body */
                body?: ("transition"|"error"|"tasks");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a SimResponse. */
            type $Shape = {
              id?: number|null;
              transition?: momento.v1.SimTransition.$Shape|null;
              error?: momento.v1.SimError.$Shape|null;
              tasks?: momento.v1.SimTaskList.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; transition?: null; error?: null; tasks?: null }|{ body?: "transition"; transition: momento.v1.SimTransition.$Shape; error?: null; tasks?: null }|{ body?: "error"; transition?: null; error: momento.v1.SimError.$Shape; tasks?: null }|{ body?: "tasks"; transition?: null; error?: null; tasks: momento.v1.SimTaskList.$Shape })
            );
        }

        /**
         * Properties of a SimTaskList.
         * @deprecated Use momento.v1.SimTaskList.$Properties instead.
         */
        interface ISimTaskList extends momento.v1.SimTaskList.$Properties {
        }

        /** Represents a SimTaskList. */
        class SimTaskList {

            /**
             * Constructs a new SimTaskList.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SimTaskList.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SimTaskList tasks. */
            tasks: momento.v1.TaskInfo.$Properties[];

            /**
             * Creates a new SimTaskList instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SimTaskList instance
             */
            static create(properties: momento.v1.SimTaskList.$Shape): momento.v1.SimTaskList & momento.v1.SimTaskList.$Shape;
            static create(properties?: momento.v1.SimTaskList.$Properties): momento.v1.SimTaskList;

            /**
             * Encodes the specified SimTaskList message. Does not implicitly {@link momento.v1.SimTaskList.verify|verify} messages.
             * @param message SimTaskList message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SimTaskList.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SimTaskList message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SimTaskList & momento.v1.SimTaskList.$Shape} SimTaskList
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SimTaskList & momento.v1.SimTaskList.$Shape;

            /**
             * Gets the type url for SimTaskList
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SimTaskList {

            /** Properties of a SimTaskList. */
            interface $Properties {

                /** SimTaskList tasks */
                tasks?: (momento.v1.TaskInfo.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SimTaskList. */
            type $Shape = momento.v1.SimTaskList.$Properties;
        }

        /**
         * Properties of a PolicyContract.
         * @deprecated Use momento.v1.PolicyContract.$Properties instead.
         */
        interface IPolicyContract extends momento.v1.PolicyContract.$Properties {
        }

        /** Represents a PolicyContract. */
        class PolicyContract {

            /**
             * Constructs a new PolicyContract.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.PolicyContract.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PolicyContract bundle. */
            bundle: string;

            /** PolicyContract bundleHash. */
            bundleHash: string;

            /** PolicyContract cameras. */
            cameras: momento.v1.CameraContract.$Properties[];

            /** PolicyContract proprioNames. */
            proprioNames: string[];

            /** PolicyContract tasks. */
            tasks: string[];

            /** PolicyContract actionNames. */
            actionNames: string[];

            /** PolicyContract chunk. */
            chunk: number;

            /** PolicyContract execute. */
            execute: number;

            /** PolicyContract rateHz. */
            rateHz: number;

            /** PolicyContract memoryKind. */
            memoryKind: string;

            /** PolicyContract headKind. */
            headKind: string;

            /**
             * Creates a new PolicyContract instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PolicyContract instance
             */
            static create(properties: momento.v1.PolicyContract.$Shape): momento.v1.PolicyContract & momento.v1.PolicyContract.$Shape;
            static create(properties?: momento.v1.PolicyContract.$Properties): momento.v1.PolicyContract;

            /**
             * Encodes the specified PolicyContract message. Does not implicitly {@link momento.v1.PolicyContract.verify|verify} messages.
             * @param message PolicyContract message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.PolicyContract.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PolicyContract message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.PolicyContract & momento.v1.PolicyContract.$Shape} PolicyContract
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.PolicyContract & momento.v1.PolicyContract.$Shape;

            /**
             * Gets the type url for PolicyContract
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace PolicyContract {

            /** Properties of a PolicyContract. */
            interface $Properties {

                /** PolicyContract bundle */
                bundle?: (string|null);

                /** PolicyContract bundleHash */
                bundleHash?: (string|null);

                /** PolicyContract cameras */
                cameras?: (momento.v1.CameraContract.$Properties[]|null);

                /** PolicyContract proprioNames */
                proprioNames?: (string[]|null);

                /** PolicyContract tasks */
                tasks?: (string[]|null);

                /** PolicyContract actionNames */
                actionNames?: (string[]|null);

                /** PolicyContract chunk */
                chunk?: (number|null);

                /** PolicyContract execute */
                execute?: (number|null);

                /** PolicyContract rateHz */
                rateHz?: (number|null);

                /** PolicyContract memoryKind */
                memoryKind?: (string|null);

                /** PolicyContract headKind */
                headKind?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PolicyContract. */
            type $Shape = momento.v1.PolicyContract.$Properties;
        }

        /**
         * Properties of a CameraContract.
         * @deprecated Use momento.v1.CameraContract.$Properties instead.
         */
        interface ICameraContract extends momento.v1.CameraContract.$Properties {
        }

        /** Represents a CameraContract. */
        class CameraContract {

            /**
             * Constructs a new CameraContract.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.CameraContract.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CameraContract name. */
            name: string;

            /** CameraContract height. */
            height: number;

            /** CameraContract width. */
            width: number;

            /** CameraContract channels. */
            channels: number;

            /**
             * Creates a new CameraContract instance using the specified properties.
             * @param [properties] Properties to set
             * @returns CameraContract instance
             */
            static create(properties: momento.v1.CameraContract.$Shape): momento.v1.CameraContract & momento.v1.CameraContract.$Shape;
            static create(properties?: momento.v1.CameraContract.$Properties): momento.v1.CameraContract;

            /**
             * Encodes the specified CameraContract message. Does not implicitly {@link momento.v1.CameraContract.verify|verify} messages.
             * @param message CameraContract message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.CameraContract.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a CameraContract message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.CameraContract & momento.v1.CameraContract.$Shape} CameraContract
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.CameraContract & momento.v1.CameraContract.$Shape;

            /**
             * Gets the type url for CameraContract
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace CameraContract {

            /** Properties of a CameraContract. */
            interface $Properties {

                /** CameraContract name */
                name?: (string|null);

                /** CameraContract height */
                height?: (number|null);

                /** CameraContract width */
                width?: (number|null);

                /** CameraContract channels */
                channels?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CameraContract. */
            type $Shape = momento.v1.CameraContract.$Properties;
        }

        /**
         * Properties of a ServerHello.
         * @deprecated Use momento.v1.ServerHello.$Properties instead.
         */
        interface IServerHello extends momento.v1.ServerHello.$Properties {
        }

        /** Represents a ServerHello. */
        class ServerHello {

            /**
             * Constructs a new ServerHello.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerHello.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerHello protocolVersion. */
            protocolVersion: number;

            /** ServerHello expect. */
            expect?: (momento.v1.PolicyContract.$Properties|null);

            /**
             * Creates a new ServerHello instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerHello instance
             */
            static create(properties: momento.v1.ServerHello.$Shape): momento.v1.ServerHello & momento.v1.ServerHello.$Shape;
            static create(properties?: momento.v1.ServerHello.$Properties): momento.v1.ServerHello;

            /**
             * Encodes the specified ServerHello message. Does not implicitly {@link momento.v1.ServerHello.verify|verify} messages.
             * @param message ServerHello message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerHello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerHello message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerHello & momento.v1.ServerHello.$Shape} ServerHello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerHello & momento.v1.ServerHello.$Shape;

            /**
             * Gets the type url for ServerHello
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerHello {

            /** Properties of a ServerHello. */
            interface $Properties {

                /** ServerHello protocolVersion */
                protocolVersion?: (number|null);

                /** ServerHello expect */
                expect?: (momento.v1.PolicyContract.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ServerHello. */
            type $Shape = momento.v1.ServerHello.$Properties;
        }

        /**
         * Properties of a ServerWelcome.
         * @deprecated Use momento.v1.ServerWelcome.$Properties instead.
         */
        interface IServerWelcome extends momento.v1.ServerWelcome.$Properties {
        }

        /** Represents a ServerWelcome. */
        class ServerWelcome {

            /**
             * Constructs a new ServerWelcome.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerWelcome.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerWelcome protocolVersion. */
            protocolVersion: number;

            /** ServerWelcome capabilities. */
            capabilities: string[];

            /** ServerWelcome contract. */
            contract?: (momento.v1.PolicyContract.$Properties|null);

            /** ServerWelcome manifestJson. */
            manifestJson: string;

            /** ServerWelcome serverVersion. */
            serverVersion: string;

            /** ServerWelcome provider. */
            provider: string;

            /**
             * Creates a new ServerWelcome instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerWelcome instance
             */
            static create(properties: momento.v1.ServerWelcome.$Shape): momento.v1.ServerWelcome & momento.v1.ServerWelcome.$Shape;
            static create(properties?: momento.v1.ServerWelcome.$Properties): momento.v1.ServerWelcome;

            /**
             * Encodes the specified ServerWelcome message. Does not implicitly {@link momento.v1.ServerWelcome.verify|verify} messages.
             * @param message ServerWelcome message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerWelcome.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerWelcome message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerWelcome & momento.v1.ServerWelcome.$Shape} ServerWelcome
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerWelcome & momento.v1.ServerWelcome.$Shape;

            /**
             * Gets the type url for ServerWelcome
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerWelcome {

            /** Properties of a ServerWelcome. */
            interface $Properties {

                /** ServerWelcome protocolVersion */
                protocolVersion?: (number|null);

                /** ServerWelcome capabilities */
                capabilities?: (string[]|null);

                /** ServerWelcome contract */
                contract?: (momento.v1.PolicyContract.$Properties|null);

                /** ServerWelcome manifestJson */
                manifestJson?: (string|null);

                /** ServerWelcome serverVersion */
                serverVersion?: (string|null);

                /** ServerWelcome provider */
                provider?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ServerWelcome. */
            type $Shape = momento.v1.ServerWelcome.$Properties;
        }

        /**
         * Properties of an OpenSession.
         * @deprecated Use momento.v1.OpenSession.$Properties instead.
         */
        interface IOpenSession extends momento.v1.OpenSession.$Properties {
        }

        /** Represents an OpenSession. */
        class OpenSession {

            /**
             * Constructs a new OpenSession.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.OpenSession.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** OpenSession seed. */
            seed: number;

            /** OpenSession noMemory. */
            noMemory: boolean;

            /**
             * Creates a new OpenSession instance using the specified properties.
             * @param [properties] Properties to set
             * @returns OpenSession instance
             */
            static create(properties: momento.v1.OpenSession.$Shape): momento.v1.OpenSession & momento.v1.OpenSession.$Shape;
            static create(properties?: momento.v1.OpenSession.$Properties): momento.v1.OpenSession;

            /**
             * Encodes the specified OpenSession message. Does not implicitly {@link momento.v1.OpenSession.verify|verify} messages.
             * @param message OpenSession message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.OpenSession.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an OpenSession message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.OpenSession & momento.v1.OpenSession.$Shape} OpenSession
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.OpenSession & momento.v1.OpenSession.$Shape;

            /**
             * Gets the type url for OpenSession
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace OpenSession {

            /** Properties of an OpenSession. */
            interface $Properties {

                /** OpenSession seed */
                seed?: (number|null);

                /** OpenSession noMemory */
                noMemory?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an OpenSession. */
            type $Shape = momento.v1.OpenSession.$Properties;
        }

        /**
         * Properties of a ResumeSession.
         * @deprecated Use momento.v1.ResumeSession.$Properties instead.
         */
        interface IResumeSession extends momento.v1.ResumeSession.$Properties {
        }

        /** Represents a ResumeSession. */
        class ResumeSession {

            /**
             * Constructs a new ResumeSession.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ResumeSession.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ResumeSession sessionId. */
            sessionId: string;

            /** ResumeSession resumeToken. */
            resumeToken: string;

            /**
             * Creates a new ResumeSession instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ResumeSession instance
             */
            static create(properties: momento.v1.ResumeSession.$Shape): momento.v1.ResumeSession & momento.v1.ResumeSession.$Shape;
            static create(properties?: momento.v1.ResumeSession.$Properties): momento.v1.ResumeSession;

            /**
             * Encodes the specified ResumeSession message. Does not implicitly {@link momento.v1.ResumeSession.verify|verify} messages.
             * @param message ResumeSession message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ResumeSession.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ResumeSession message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ResumeSession & momento.v1.ResumeSession.$Shape} ResumeSession
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ResumeSession & momento.v1.ResumeSession.$Shape;

            /**
             * Gets the type url for ResumeSession
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ResumeSession {

            /** Properties of a ResumeSession. */
            interface $Properties {

                /** ResumeSession sessionId */
                sessionId?: (string|null);

                /** ResumeSession resumeToken */
                resumeToken?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ResumeSession. */
            type $Shape = momento.v1.ResumeSession.$Properties;
        }

        /**
         * Properties of a SessionOpened.
         * @deprecated Use momento.v1.SessionOpened.$Properties instead.
         */
        interface ISessionOpened extends momento.v1.SessionOpened.$Properties {
        }

        /** Represents a SessionOpened. */
        class SessionOpened {

            /**
             * Constructs a new SessionOpened.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SessionOpened.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SessionOpened sessionId. */
            sessionId: string;

            /** SessionOpened resumeToken. */
            resumeToken: string;

            /** SessionOpened ttlS. */
            ttlS: number;

            /** SessionOpened step. */
            step: number;

            /** SessionOpened noMemory. */
            noMemory: boolean;

            /** SessionOpened seed. */
            seed: number;

            /**
             * Creates a new SessionOpened instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SessionOpened instance
             */
            static create(properties: momento.v1.SessionOpened.$Shape): momento.v1.SessionOpened & momento.v1.SessionOpened.$Shape;
            static create(properties?: momento.v1.SessionOpened.$Properties): momento.v1.SessionOpened;

            /**
             * Encodes the specified SessionOpened message. Does not implicitly {@link momento.v1.SessionOpened.verify|verify} messages.
             * @param message SessionOpened message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SessionOpened.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SessionOpened message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SessionOpened & momento.v1.SessionOpened.$Shape} SessionOpened
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SessionOpened & momento.v1.SessionOpened.$Shape;

            /**
             * Gets the type url for SessionOpened
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SessionOpened {

            /** Properties of a SessionOpened. */
            interface $Properties {

                /** SessionOpened sessionId */
                sessionId?: (string|null);

                /** SessionOpened resumeToken */
                resumeToken?: (string|null);

                /** SessionOpened ttlS */
                ttlS?: (number|null);

                /** SessionOpened step */
                step?: (number|null);

                /** SessionOpened noMemory */
                noMemory?: (boolean|null);

                /** SessionOpened seed */
                seed?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SessionOpened. */
            type $Shape = momento.v1.SessionOpened.$Properties;
        }

        /**
         * Properties of a StepRequest.
         * @deprecated Use momento.v1.StepRequest.$Properties instead.
         */
        interface IStepRequest extends momento.v1.StepRequest.$Properties {
        }

        /** Represents a StepRequest. */
        class StepRequest {

            /**
             * Constructs a new StepRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.StepRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepRequest observation. */
            observation?: (momento.v1.Observation.$Properties|null);

            /**
             * Creates a new StepRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StepRequest instance
             */
            static create(properties: momento.v1.StepRequest.$Shape): momento.v1.StepRequest & momento.v1.StepRequest.$Shape;
            static create(properties?: momento.v1.StepRequest.$Properties): momento.v1.StepRequest;

            /**
             * Encodes the specified StepRequest message. Does not implicitly {@link momento.v1.StepRequest.verify|verify} messages.
             * @param message StepRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.StepRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.StepRequest & momento.v1.StepRequest.$Shape} StepRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.StepRequest & momento.v1.StepRequest.$Shape;

            /**
             * Gets the type url for StepRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StepRequest {

            /** Properties of a StepRequest. */
            interface $Properties {

                /** StepRequest observation */
                observation?: (momento.v1.Observation.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepRequest. */
            type $Shape = momento.v1.StepRequest.$Properties;
        }

        /**
         * Properties of a ResetSession.
         * @deprecated Use momento.v1.ResetSession.$Properties instead.
         */
        interface IResetSession extends momento.v1.ResetSession.$Properties {
        }

        /** Represents a ResetSession. */
        class ResetSession {

            /**
             * Constructs a new ResetSession.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ResetSession.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ResetSession seed. */
            seed: number;

            /**
             * Creates a new ResetSession instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ResetSession instance
             */
            static create(properties: momento.v1.ResetSession.$Shape): momento.v1.ResetSession & momento.v1.ResetSession.$Shape;
            static create(properties?: momento.v1.ResetSession.$Properties): momento.v1.ResetSession;

            /**
             * Encodes the specified ResetSession message. Does not implicitly {@link momento.v1.ResetSession.verify|verify} messages.
             * @param message ResetSession message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ResetSession.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ResetSession message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ResetSession & momento.v1.ResetSession.$Shape} ResetSession
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ResetSession & momento.v1.ResetSession.$Shape;

            /**
             * Gets the type url for ResetSession
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ResetSession {

            /** Properties of a ResetSession. */
            interface $Properties {

                /** ResetSession seed */
                seed?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ResetSession. */
            type $Shape = momento.v1.ResetSession.$Properties;
        }

        /**
         * Properties of a SnapshotRequest.
         * @deprecated Use momento.v1.SnapshotRequest.$Properties instead.
         */
        interface ISnapshotRequest extends momento.v1.SnapshotRequest.$Properties {
        }

        /** Represents a SnapshotRequest. */
        class SnapshotRequest {

            /**
             * Constructs a new SnapshotRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SnapshotRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new SnapshotRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SnapshotRequest instance
             */
            static create(properties: momento.v1.SnapshotRequest.$Shape): momento.v1.SnapshotRequest & momento.v1.SnapshotRequest.$Shape;
            static create(properties?: momento.v1.SnapshotRequest.$Properties): momento.v1.SnapshotRequest;

            /**
             * Encodes the specified SnapshotRequest message. Does not implicitly {@link momento.v1.SnapshotRequest.verify|verify} messages.
             * @param message SnapshotRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SnapshotRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SnapshotRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SnapshotRequest & momento.v1.SnapshotRequest.$Shape} SnapshotRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SnapshotRequest & momento.v1.SnapshotRequest.$Shape;

            /**
             * Gets the type url for SnapshotRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SnapshotRequest {

            /** Properties of a SnapshotRequest. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SnapshotRequest. */
            type $Shape = momento.v1.SnapshotRequest.$Properties;
        }

        /**
         * Properties of a RestoreRequest.
         * @deprecated Use momento.v1.RestoreRequest.$Properties instead.
         */
        interface IRestoreRequest extends momento.v1.RestoreRequest.$Properties {
        }

        /** Represents a RestoreRequest. */
        class RestoreRequest {

            /**
             * Constructs a new RestoreRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.RestoreRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RestoreRequest snapshot. */
            snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

            /**
             * Creates a new RestoreRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RestoreRequest instance
             */
            static create(properties: momento.v1.RestoreRequest.$Shape): momento.v1.RestoreRequest & momento.v1.RestoreRequest.$Shape;
            static create(properties?: momento.v1.RestoreRequest.$Properties): momento.v1.RestoreRequest;

            /**
             * Encodes the specified RestoreRequest message. Does not implicitly {@link momento.v1.RestoreRequest.verify|verify} messages.
             * @param message RestoreRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.RestoreRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RestoreRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.RestoreRequest & momento.v1.RestoreRequest.$Shape} RestoreRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.RestoreRequest & momento.v1.RestoreRequest.$Shape;

            /**
             * Gets the type url for RestoreRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RestoreRequest {

            /** Properties of a RestoreRequest. */
            interface $Properties {

                /** RestoreRequest snapshot */
                snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RestoreRequest. */
            type $Shape = momento.v1.RestoreRequest.$Properties;
        }

        /**
         * Properties of a CloseSession.
         * @deprecated Use momento.v1.CloseSession.$Properties instead.
         */
        interface ICloseSession extends momento.v1.CloseSession.$Properties {
        }

        /** Represents a CloseSession. */
        class CloseSession {

            /**
             * Constructs a new CloseSession.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.CloseSession.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new CloseSession instance using the specified properties.
             * @param [properties] Properties to set
             * @returns CloseSession instance
             */
            static create(properties: momento.v1.CloseSession.$Shape): momento.v1.CloseSession & momento.v1.CloseSession.$Shape;
            static create(properties?: momento.v1.CloseSession.$Properties): momento.v1.CloseSession;

            /**
             * Encodes the specified CloseSession message. Does not implicitly {@link momento.v1.CloseSession.verify|verify} messages.
             * @param message CloseSession message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.CloseSession.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a CloseSession message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.CloseSession & momento.v1.CloseSession.$Shape} CloseSession
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.CloseSession & momento.v1.CloseSession.$Shape;

            /**
             * Gets the type url for CloseSession
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace CloseSession {

            /** Properties of a CloseSession. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CloseSession. */
            type $Shape = momento.v1.CloseSession.$Properties;
        }

        /**
         * Properties of a ServerRequest.
         * @deprecated Use momento.v1.ServerRequest.$Properties instead.
         */
        interface IServerRequest extends momento.v1.ServerRequest.$Properties {
        }

        /** Represents a ServerRequest. */
        class ServerRequest {

            /**
             * Constructs a new ServerRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerRequest id. */
            id: number;

            /** ServerRequest hello. */
            hello?: (momento.v1.ServerHello.$Properties|null);

            /** ServerRequest open. */
            open?: (momento.v1.OpenSession.$Properties|null);

            /** ServerRequest resume. */
            resume?: (momento.v1.ResumeSession.$Properties|null);

            /** ServerRequest step. */
            step?: (momento.v1.StepRequest.$Properties|null);

            /** ServerRequest reset. */
            reset?: (momento.v1.ResetSession.$Properties|null);

            /** ServerRequest snapshot. */
            snapshot?: (momento.v1.SnapshotRequest.$Properties|null);

            /** ServerRequest restore. */
            restore?: (momento.v1.RestoreRequest.$Properties|null);

            /** ServerRequest close. */
            close?: (momento.v1.CloseSession.$Properties|null);

            /** ServerRequest body. */
            body?: ("hello"|"open"|"resume"|"step"|"reset"|"snapshot"|"restore"|"close");

            /**
             * Creates a new ServerRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerRequest instance
             */
            static create(properties: momento.v1.ServerRequest.$Shape): momento.v1.ServerRequest & momento.v1.ServerRequest.$Shape;
            static create(properties?: momento.v1.ServerRequest.$Properties): momento.v1.ServerRequest;

            /**
             * Encodes the specified ServerRequest message. Does not implicitly {@link momento.v1.ServerRequest.verify|verify} messages.
             * @param message ServerRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerRequest & momento.v1.ServerRequest.$Shape} ServerRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerRequest & momento.v1.ServerRequest.$Shape;

            /**
             * Gets the type url for ServerRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerRequest {

            /** Properties of a ServerRequest. */
            interface $Properties {

                /** ServerRequest id */
                id?: (number|null);

                /** ServerRequest hello */
                hello?: (momento.v1.ServerHello.$Properties|null);

                /** ServerRequest open */
                open?: (momento.v1.OpenSession.$Properties|null);

                /** ServerRequest resume */
                resume?: (momento.v1.ResumeSession.$Properties|null);

                /** ServerRequest step */
                step?: (momento.v1.StepRequest.$Properties|null);

                /** ServerRequest reset */
                reset?: (momento.v1.ResetSession.$Properties|null);

                /** ServerRequest snapshot */
                snapshot?: (momento.v1.SnapshotRequest.$Properties|null);

                /** ServerRequest restore */
                restore?: (momento.v1.RestoreRequest.$Properties|null);

                /** ServerRequest close */
                close?: (momento.v1.CloseSession.$Properties|null);

                /** ServerRequest body */
                body?: ("hello"|"open"|"resume"|"step"|"reset"|"snapshot"|"restore"|"close");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a ServerRequest. */
            type $Shape = {
              id?: number|null;
              hello?: momento.v1.ServerHello.$Shape|null;
              open?: momento.v1.OpenSession.$Shape|null;
              resume?: momento.v1.ResumeSession.$Shape|null;
              step?: momento.v1.StepRequest.$Shape|null;
              reset?: momento.v1.ResetSession.$Shape|null;
              snapshot?: momento.v1.SnapshotRequest.$Shape|null;
              restore?: momento.v1.RestoreRequest.$Shape|null;
              close?: momento.v1.CloseSession.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; hello?: null; open?: null; resume?: null; step?: null; reset?: null; snapshot?: null; restore?: null; close?: null }|{ body?: "hello"; hello: momento.v1.ServerHello.$Shape; open?: null; resume?: null; step?: null; reset?: null; snapshot?: null; restore?: null; close?: null }|{ body?: "open"; hello?: null; open: momento.v1.OpenSession.$Shape; resume?: null; step?: null; reset?: null; snapshot?: null; restore?: null; close?: null }|{ body?: "resume"; hello?: null; open?: null; resume: momento.v1.ResumeSession.$Shape; step?: null; reset?: null; snapshot?: null; restore?: null; close?: null }|{ body?: "step"; hello?: null; open?: null; resume?: null; step: momento.v1.StepRequest.$Shape; reset?: null; snapshot?: null; restore?: null; close?: null }|{ body?: "reset"; hello?: null; open?: null; resume?: null; step?: null; reset: momento.v1.ResetSession.$Shape; snapshot?: null; restore?: null; close?: null }|{ body?: "snapshot"; hello?: null; open?: null; resume?: null; step?: null; reset?: null; snapshot: momento.v1.SnapshotRequest.$Shape; restore?: null; close?: null }|{ body?: "restore"; hello?: null; open?: null; resume?: null; step?: null; reset?: null; snapshot?: null; restore: momento.v1.RestoreRequest.$Shape; close?: null }|{ body?: "close"; hello?: null; open?: null; resume?: null; step?: null; reset?: null; snapshot?: null; restore?: null; close: momento.v1.CloseSession.$Shape })
            );
        }

        /**
         * Properties of a ServerStepResult.
         * @deprecated Use momento.v1.ServerStepResult.$Properties instead.
         */
        interface IServerStepResult extends momento.v1.ServerStepResult.$Properties {
        }

        /** Represents a ServerStepResult. */
        class ServerStepResult {

            /**
             * Constructs a new ServerStepResult.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerStepResult.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerStepResult result. */
            result?: (momento.v1.StepResult.$Properties|null);

            /** ServerStepResult queueWaitMs. */
            queueWaitMs: number;

            /** ServerStepResult batchSize. */
            batchSize: number;

            /** ServerStepResult serverReceiveNs. */
            serverReceiveNs: number;

            /** ServerStepResult serverSendNs. */
            serverSendNs: number;

            /** ServerStepResult droppedFrames. */
            droppedFrames: number;

            /**
             * Creates a new ServerStepResult instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerStepResult instance
             */
            static create(properties: momento.v1.ServerStepResult.$Shape): momento.v1.ServerStepResult & momento.v1.ServerStepResult.$Shape;
            static create(properties?: momento.v1.ServerStepResult.$Properties): momento.v1.ServerStepResult;

            /**
             * Encodes the specified ServerStepResult message. Does not implicitly {@link momento.v1.ServerStepResult.verify|verify} messages.
             * @param message ServerStepResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerStepResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerStepResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerStepResult & momento.v1.ServerStepResult.$Shape} ServerStepResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerStepResult & momento.v1.ServerStepResult.$Shape;

            /**
             * Gets the type url for ServerStepResult
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerStepResult {

            /** Properties of a ServerStepResult. */
            interface $Properties {

                /** ServerStepResult result */
                result?: (momento.v1.StepResult.$Properties|null);

                /** ServerStepResult queueWaitMs */
                queueWaitMs?: (number|null);

                /** ServerStepResult batchSize */
                batchSize?: (number|null);

                /** ServerStepResult serverReceiveNs */
                serverReceiveNs?: (number|null);

                /** ServerStepResult serverSendNs */
                serverSendNs?: (number|null);

                /** ServerStepResult droppedFrames */
                droppedFrames?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ServerStepResult. */
            type $Shape = momento.v1.ServerStepResult.$Properties;
        }

        /**
         * Properties of a ServerError.
         * @deprecated Use momento.v1.ServerError.$Properties instead.
         */
        interface IServerError extends momento.v1.ServerError.$Properties {
        }

        /** Represents a ServerError. */
        class ServerError {

            /**
             * Constructs a new ServerError.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerError.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerError code. */
            code: string;

            /** ServerError field. */
            field: string;

            /** ServerError value. */
            value: string;

            /** ServerError message. */
            message: string;

            /**
             * Creates a new ServerError instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerError instance
             */
            static create(properties: momento.v1.ServerError.$Shape): momento.v1.ServerError & momento.v1.ServerError.$Shape;
            static create(properties?: momento.v1.ServerError.$Properties): momento.v1.ServerError;

            /**
             * Encodes the specified ServerError message. Does not implicitly {@link momento.v1.ServerError.verify|verify} messages.
             * @param message ServerError message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerError.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerError message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerError & momento.v1.ServerError.$Shape} ServerError
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerError & momento.v1.ServerError.$Shape;

            /**
             * Gets the type url for ServerError
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerError {

            /** Properties of a ServerError. */
            interface $Properties {

                /** ServerError code */
                code?: (string|null);

                /** ServerError field */
                field?: (string|null);

                /** ServerError value */
                value?: (string|null);

                /** ServerError message */
                message?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ServerError. */
            type $Shape = momento.v1.ServerError.$Properties;
        }

        /**
         * Properties of an Ack.
         * @deprecated Use momento.v1.Ack.$Properties instead.
         */
        interface IAck extends momento.v1.Ack.$Properties {
        }

        /** Represents an Ack. */
        class Ack {

            /**
             * Constructs a new Ack.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.Ack.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new Ack instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Ack instance
             */
            static create(properties: momento.v1.Ack.$Shape): momento.v1.Ack & momento.v1.Ack.$Shape;
            static create(properties?: momento.v1.Ack.$Properties): momento.v1.Ack;

            /**
             * Encodes the specified Ack message. Does not implicitly {@link momento.v1.Ack.verify|verify} messages.
             * @param message Ack message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.Ack & momento.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.Ack & momento.v1.Ack.$Shape;

            /**
             * Gets the type url for Ack
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Ack {

            /** Properties of an Ack. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Ack. */
            type $Shape = momento.v1.Ack.$Properties;
        }

        /**
         * Properties of a ServerResponse.
         * @deprecated Use momento.v1.ServerResponse.$Properties instead.
         */
        interface IServerResponse extends momento.v1.ServerResponse.$Properties {
        }

        /** Represents a ServerResponse. */
        class ServerResponse {

            /**
             * Constructs a new ServerResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.ServerResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServerResponse id. */
            id: number;

            /** ServerResponse welcome. */
            welcome?: (momento.v1.ServerWelcome.$Properties|null);

            /** ServerResponse opened. */
            opened?: (momento.v1.SessionOpened.$Properties|null);

            /** ServerResponse step. */
            step?: (momento.v1.ServerStepResult.$Properties|null);

            /** ServerResponse snapshot. */
            snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

            /** ServerResponse ok. */
            ok?: (momento.v1.Ack.$Properties|null);

            /** ServerResponse error. */
            error?: (momento.v1.ServerError.$Properties|null);

            /** ServerResponse body. */
            body?: ("welcome"|"opened"|"step"|"snapshot"|"ok"|"error");

            /**
             * Creates a new ServerResponse instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServerResponse instance
             */
            static create(properties: momento.v1.ServerResponse.$Shape): momento.v1.ServerResponse & momento.v1.ServerResponse.$Shape;
            static create(properties?: momento.v1.ServerResponse.$Properties): momento.v1.ServerResponse;

            /**
             * Encodes the specified ServerResponse message. Does not implicitly {@link momento.v1.ServerResponse.verify|verify} messages.
             * @param message ServerResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.ServerResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServerResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.ServerResponse & momento.v1.ServerResponse.$Shape} ServerResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.ServerResponse & momento.v1.ServerResponse.$Shape;

            /**
             * Gets the type url for ServerResponse
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServerResponse {

            /** Properties of a ServerResponse. */
            interface $Properties {

                /** ServerResponse id */
                id?: (number|null);

                /** ServerResponse welcome */
                welcome?: (momento.v1.ServerWelcome.$Properties|null);

                /** ServerResponse opened */
                opened?: (momento.v1.SessionOpened.$Properties|null);

                /** ServerResponse step */
                step?: (momento.v1.ServerStepResult.$Properties|null);

                /** ServerResponse snapshot */
                snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

                /** ServerResponse ok */
                ok?: (momento.v1.Ack.$Properties|null);

                /** ServerResponse error */
                error?: (momento.v1.ServerError.$Properties|null);

                /** ServerResponse body */
                body?: ("welcome"|"opened"|"step"|"snapshot"|"ok"|"error");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a ServerResponse. */
            type $Shape = {
              id?: number|null;
              welcome?: momento.v1.ServerWelcome.$Shape|null;
              opened?: momento.v1.SessionOpened.$Shape|null;
              step?: momento.v1.ServerStepResult.$Shape|null;
              snapshot?: momento.v1.MemorySnapshot.$Shape|null;
              ok?: momento.v1.Ack.$Shape|null;
              error?: momento.v1.ServerError.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; welcome?: null; opened?: null; step?: null; snapshot?: null; ok?: null; error?: null }|{ body?: "welcome"; welcome: momento.v1.ServerWelcome.$Shape; opened?: null; step?: null; snapshot?: null; ok?: null; error?: null }|{ body?: "opened"; welcome?: null; opened: momento.v1.SessionOpened.$Shape; step?: null; snapshot?: null; ok?: null; error?: null }|{ body?: "step"; welcome?: null; opened?: null; step: momento.v1.ServerStepResult.$Shape; snapshot?: null; ok?: null; error?: null }|{ body?: "snapshot"; welcome?: null; opened?: null; step?: null; snapshot: momento.v1.MemorySnapshot.$Shape; ok?: null; error?: null }|{ body?: "ok"; welcome?: null; opened?: null; step?: null; snapshot?: null; ok: momento.v1.Ack.$Shape; error?: null }|{ body?: "error"; welcome?: null; opened?: null; step?: null; snapshot?: null; ok?: null; error: momento.v1.ServerError.$Shape })
            );
        }

        /**
         * Properties of a SessionRecord.
         * @deprecated Use momento.v1.SessionRecord.$Properties instead.
         */
        interface ISessionRecord extends momento.v1.SessionRecord.$Properties {
        }

        /** Represents a SessionRecord. */
        class SessionRecord {

            /**
             * Constructs a new SessionRecord.
             * @param [properties] Properties to set
             */
            constructor(properties?: momento.v1.SessionRecord.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SessionRecord sessionId. */
            sessionId: string;

            /** SessionRecord tokenSha256. */
            tokenSha256: string;

            /** SessionRecord bundle. */
            bundle: string;

            /** SessionRecord seed. */
            seed: number;

            /** SessionRecord noMemory. */
            noMemory: boolean;

            /** SessionRecord snapshot. */
            snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

            /**
             * Creates a new SessionRecord instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SessionRecord instance
             */
            static create(properties: momento.v1.SessionRecord.$Shape): momento.v1.SessionRecord & momento.v1.SessionRecord.$Shape;
            static create(properties?: momento.v1.SessionRecord.$Properties): momento.v1.SessionRecord;

            /**
             * Encodes the specified SessionRecord message. Does not implicitly {@link momento.v1.SessionRecord.verify|verify} messages.
             * @param message SessionRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: momento.v1.SessionRecord.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SessionRecord message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {momento.v1.SessionRecord & momento.v1.SessionRecord.$Shape} SessionRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): momento.v1.SessionRecord & momento.v1.SessionRecord.$Shape;

            /**
             * Gets the type url for SessionRecord
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SessionRecord {

            /** Properties of a SessionRecord. */
            interface $Properties {

                /** SessionRecord sessionId */
                sessionId?: (string|null);

                /** SessionRecord tokenSha256 */
                tokenSha256?: (string|null);

                /** SessionRecord bundle */
                bundle?: (string|null);

                /** SessionRecord seed */
                seed?: (number|null);

                /** SessionRecord noMemory */
                noMemory?: (boolean|null);

                /** SessionRecord snapshot */
                snapshot?: (momento.v1.MemorySnapshot.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SessionRecord. */
            type $Shape = momento.v1.SessionRecord.$Properties;
        }
    }
}
