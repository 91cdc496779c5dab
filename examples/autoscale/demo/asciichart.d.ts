// asciichart 1.5.25 ships no type declarations; this is the part of its API the demo uses.
declare module 'asciichart' {
  export interface PlotConfig {
    height?: number;
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    colors?: string[];
    format?: (x: number, i: number) => string;
  }
  export function plot(series: number[] | number[][], config?: PlotConfig): string;
  export const cyan: string;
  export const green: string;
  export const yellow: string;
  export const magenta: string;
  export const darkgray: string;
  export const reset: string;
  const asciichart: {
    plot: typeof plot; cyan: string; green: string; yellow: string; magenta: string; darkgray: string; reset: string;
  };
  export default asciichart;
}
