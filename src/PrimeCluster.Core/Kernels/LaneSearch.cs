using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Finds, for many numbers at once, the first divisor d in a window [dFrom, dTo] (d &lt; n), testing every d in turn:
/// one SIMD lane per number, all lanes of a vector tested against the same d.
/// </summary>
/// <remarks>
/// Divisors are walked in chunks whose reciprocals are computed once and shared by every vector of numbers.
/// A chunk is first scanned with no bookkeeping but an OR of hits; only a chunk with a new hit, or one that reaches
/// past the smallest number of a vector, is scanned again recording the first hit per lane.
/// </remarks>
internal sealed class LaneSearch<T, TLanes>
    where T : unmanaged, INumber<T>
    where TLanes : struct, ILaneArithmetic<T>
{
    private const int ChunkLength = 1024;

    private static readonly int Lanes = Vector<T>.Count;

    private readonly T[] _divisors = new T[ChunkLength];
    private readonly T[] _reciprocals = new T[ChunkLength];
    private readonly Vector<T>[] _found;
    private readonly Vector<T>[] _first;
    private readonly bool[] _finished;

    public LaneSearch(int capacity)
    {
        var vectors = (capacity + Lanes - 1) / Lanes;
        _found = new Vector<T>[vectors];
        _first = new Vector<T>[vectors];
        _finished = new bool[vectors];
    }

    /// <summary>Rounds a count of numbers up to whole vectors; the number buffer must be at least this long.</summary>
    public static int Padded(int count) => (count + Lanes - 1) / Lanes * Lanes;

    /// <summary>
    /// For each of <paramref name="count"/> ascending numbers, writes to <paramref name="firstDivisor"/> the first d in
    /// [dFrom, min(dTo, n - 1)] that divides it, or 0 when none does. <paramref name="numbers"/> is padded in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FindFirstDivisors(Span<T> numbers, int count, ulong dFrom, ulong dTo, Span<ulong> firstDivisor, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        var vectors = (count + Lanes - 1) / Lanes;
        numbers[count..(vectors * Lanes)].Fill(numbers[count - 1]);
        Array.Clear(_found, 0, vectors);
        Array.Clear(_first, 0, vectors);
        Array.Clear(_finished, 0, vectors);

        var largest = ulong.CreateTruncating(numbers[count - 1]);
        var end = Math.Min(dTo, largest - 1);
        for (var chunkStart = dFrom; chunkStart <= end;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunkLength = (int)Math.Min((ulong)ChunkLength, end - chunkStart + 1);
            FillChunk(chunkStart, chunkLength);
            var anyActive = false;
            for (var v = 0; v < vectors; v++)
            {
                if (!_finished[v])
                {
                    ScanChunk(numbers, v, chunkStart, chunkLength, dTo);
                    anyActive |= !_finished[v];
                }
            }

            if (!anyActive || chunkStart + (ulong)chunkLength - 1 == end)
            {
                break;
            }

            chunkStart += (ulong)chunkLength;
        }

        for (var i = 0; i < count; i++)
        {
            firstDivisor[i] = ulong.CreateTruncating(_first[i / Lanes][i % Lanes]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillChunk(ulong chunkStart, int length)
    {
        var d = new Vector<T>(T.CreateTruncating(chunkStart)) + Indices;
        var step = new Vector<T>(T.CreateTruncating(Lanes));
        for (var i = 0; i < length; i += Lanes)
        {
            d.CopyTo(_divisors, i);
            (Vector<T>.One / d).CopyTo(_reciprocals, i);
            d += step;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanChunk(Span<T> numbers, int v, ulong chunkStart, int chunkLength, ulong dTo)
    {
        var n = new Vector<T>(numbers.Slice(v * Lanes, Lanes));
        var smallest = ulong.CreateTruncating(n[0]);
        var vectorEnd = Math.Min(dTo, ulong.CreateTruncating(n[Lanes - 1]) - 1);
        if (chunkStart > vectorEnd)
        {
            _finished[v] = true;
            return;
        }

        var length = (int)Math.Min((ulong)chunkLength, vectorEnd - chunkStart + 1);
        var everyDivisorBelowEveryN = chunkStart + (ulong)length - 1 < smallest;
        if (everyDivisorBelowEveryN)
        {
            var hits = AnyHit(-n, n, length);
            if (IsZero(hits & ~_found[v]))
            {
                _finished[v] = chunkStart + (ulong)length - 1 == vectorEnd;
                return;
            }
        }

        RecordFirstHits(n, v, length);
        _finished[v] = chunkStart + (ulong)length - 1 == vectorEnd || IsZero(~_found[v]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector<T> AnyHit(Vector<T> negatedN, Vector<T> n, int length)
    {
        ref var d = ref MemoryMarshal.GetArrayDataReference(_divisors);
        ref var r = ref MemoryMarshal.GetArrayDataReference(_reciprocals);
        var hits0 = Vector<T>.Zero;
        var hits1 = Vector<T>.Zero;
        var i = 0;
        for (; i + 1 < length; i += 2)
        {
            hits0 |= Vector.Equals(TLanes.Residue(negatedN, n, new Vector<T>(Unsafe.Add(ref d, i)), new Vector<T>(Unsafe.Add(ref r, i))), Vector<T>.Zero);
            hits1 |= Vector.Equals(TLanes.Residue(negatedN, n, new Vector<T>(Unsafe.Add(ref d, i + 1)), new Vector<T>(Unsafe.Add(ref r, i + 1))), Vector<T>.Zero);
        }

        if (i < length)
        {
            hits0 |= Vector.Equals(TLanes.Residue(negatedN, n, new Vector<T>(Unsafe.Add(ref d, i)), new Vector<T>(Unsafe.Add(ref r, i))), Vector<T>.Zero);
        }

        return hits0 | hits1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordFirstHits(Vector<T> n, int v, int length)
    {
        var negatedN = -n;
        var found = _found[v];
        var first = _first[v];
        for (var i = 0; i < length; i++)
        {
            var d = new Vector<T>(_divisors[i]);
            var hit = Vector.Equals(TLanes.Residue(negatedN, n, d, new Vector<T>(_reciprocals[i])), Vector<T>.Zero)
                & Vector.LessThan(d, n)
                & ~found;
            first = Vector.ConditionalSelect(hit, d, first);
            found |= hit;
        }

        _found[v] = found;
        _first[v] = first;
    }

    private static bool IsZero(Vector<T> mask) => Vector.AsVectorByte(mask) == Vector<byte>.Zero;

    private static readonly Vector<T> Indices = CreateIndices();

    private static Vector<T> CreateIndices()
    {
        Span<T> indices = stackalloc T[Lanes];
        for (var i = 0; i < Lanes; i++)
        {
            indices[i] = T.CreateTruncating(i);
        }

        return new Vector<T>(indices);
    }
}
